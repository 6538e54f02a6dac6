import os

from django.apps import AppConfig


class MiscConfig(AppConfig):
    name = 'misc'

    def ready(self):
        """Notes each django.setup() in the file SHOP_READY_LOG names: how often it ran."""
        log = os.environ.get('SHOP_READY_LOG')
        if log:
            with open(log, 'a') as file:
                file.write('%d\n' % os.getpid())
