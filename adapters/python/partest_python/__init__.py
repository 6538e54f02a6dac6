"""partest's Python adapter: Django projects and unittest suites as partest workers.

Standard library only, plus Django for Django projects. See docs/django.md.
"""
