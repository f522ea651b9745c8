from django.apps import AppConfig


class TmfConfig(AppConfig):
    name = "kefu.tmf"
    label = "tmf"
    verbose_name = "TM Forum Open API"
