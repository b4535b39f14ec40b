import click


@click.command("demo")
def demo_command():
    """Fill an empty database with demo data."""
    raise click.ClickException("pas encore disponible")
