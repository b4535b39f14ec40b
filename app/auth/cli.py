import click
from sqlalchemy import select

from app.auth import services
from app.auth.models import User
from app.core.enums import Role
from app.core.transaction import CommandGroup
from app.extensions import db

users_cli = CommandGroup("users", help="Gérer les comptes utilisateurs.")


@users_cli.command("create", help="Créer un compte (le mot de passe est demandé si --password est absent).")
@click.argument("email")
@click.option("--role", type=click.Choice(Role.codes()), required=True, help="Rôle du compte.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Mot de passe.")
@click.option("--name", "full_name", default="", help="Nom complet.")
def create_user_command(email, role, password, full_name):
    """Create an account (the password is asked when --password is not given)."""
    try:
        user = services.create_user("ligne de commande", email, password, role, full_name)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Compte créé : {user.email} ({Role.label_of(user.role)}).")


@users_cli.command("list", help="Lister les comptes.")
def list_users_command():
    """List the accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "actif" if user.is_active else "désactivé"
        click.echo(f"{user.email}\t{user.role}\t{state}")
