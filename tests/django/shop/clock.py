import os
import time


def note_test_start():
    """A test module's set-up: when tests start, in the file SHOP_FIRST_TEST_LOG names (bench/django.sh)."""
    log = os.environ.get('SHOP_FIRST_TEST_LOG')
    if log:
        with open(log, 'a') as file:
            file.write('%.6f\n' % time.time())
