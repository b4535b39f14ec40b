from flask.cli import AppGroup

report_cli = AppGroup("report", help="Rapport annuel SPASER (indicateurs, génération).")
