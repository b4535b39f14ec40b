from flask.cli import AppGroup

participants_cli = AppGroup("participants", help="Bénéficiaires (purge des données personnelles).")
