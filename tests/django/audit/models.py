from django.db import models


class Entry(models.Model):
    message = models.CharField(max_length=100)
