from django.apps import AppConfig


class CliConfig(AppConfig):
    """The ``kefu`` command as an app, so that its own commands sit beside Django's: ``kefu demo``
    assembles every role (it migrates, seeds customers and marketing, starts a federation of nodes),
    so it lives here, at the top of the layers, rather than in an app it would have to import upwards
    from. No models."""

    name = "kefu.cli"
    label = "cli"
