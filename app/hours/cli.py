from flask.cli import AppGroup

hours_cli = AppGroup("hours", help="Heures d'insertion (import).")
