#!/usr/bin/python3
"""partest's Python adapter: Django projects and unittest suites as partest workers.

partest starts it itself for a Django manage.py or a unittest script; see
docs/django.md for its modes and for starting it by hand.
"""
import os
import sys

sys.path[0] = os.path.dirname(os.path.realpath(__file__))

from partest_python.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv))
