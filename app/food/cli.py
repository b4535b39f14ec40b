from flask.cli import AppGroup

food_cli = AppGroup("food", help="Achats alimentaires (import).")
