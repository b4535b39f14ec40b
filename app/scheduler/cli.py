from flask.cli import AppGroup

scheduler_cli = AppGroup("scheduler", help="Planificateur des tâches (rapport annuel).")
