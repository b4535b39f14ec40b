from flask.cli import AppGroup

decp_cli = AppGroup("decp", help="Données essentielles de la commande publique (import, export).")
