from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "kefu.workorders"
    label = "workorders"
    verbose_name = "工单"

    def ready(self):
        # cache upkeep only: a changed calendar or holiday must not wait for the cache to expire
        from django.db.models.signals import post_delete, post_save

        from kefu.workorders import calendar
        from kefu.workorders.models import BusinessCalendar, Holiday

        for model in (BusinessCalendar, Holiday):
            post_save.connect(
                calendar.clear_cache, sender=model, dispatch_uid=f"wo-cal-save-{model.__name__}"
            )
            post_delete.connect(
                calendar.clear_cache, sender=model, dispatch_uid=f"wo-cal-del-{model.__name__}"
            )
