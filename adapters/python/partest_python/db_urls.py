"""partest's database URLs (docs/databases.md) and Django's DATABASES entries, both ways."""
import os
from urllib.parse import parse_qsl, quote, unquote, urlsplit

ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgresql": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
    "oracle": "django.db.backends.oracle",
}
SCHEMES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql",
           "mysql": "mysql", "mariadb": "mysql", "oracle": "oracle"}


class UrlError(ValueError):
    pass


def engine_family(engine):
    """"sqlite", "postgresql", "mysql" or "oracle" for a Django ENGINE; None for others."""
    for family, marker in (("sqlite", "sqlite"), ("postgresql", "postg"), ("mysql", "mysql"),
                           ("oracle", "oracle")):
        if marker in (engine or ""):
            return family
    return None


def url_family(url):
    return SCHEMES.get(url.split(":", 1)[0].split("+", 1)[0].lower())


def settings_for_url(url, engine):
    """
    The DATABASES fields that make a connection use url: a dict to update the
    alias's settings with. engine is the project's ENGINE for the alias: it is
    kept when it is of the URL's family (a PostGIS engine stays), else the
    family's own engine replaces it. Raises UrlError for a URL it cannot read.
    """
    family = url_family(url)
    if family is None:
        raise UrlError("%s: not a partest database URL" % url.split(":", 1)[0])
    fields = {}
    if engine_family(engine) != family:
        fields["ENGINE"] = ENGINES[family]
    if family == "sqlite":
        path = url[len("sqlite:"):]
        if path.startswith("//"):
            path = path[2:]
        fields.update(NAME=os.path.abspath(path), USER="", PASSWORD="", HOST="", PORT="")
        return fields
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    path = [unquote(p) for p in parts.path.split("/")[1:]]
    try:
        port = parts.port
    except ValueError as e:
        raise UrlError("%s: %s" % (url.split("@")[-1], e))
    fields.update(USER=unquote(parts.username or ""), PASSWORD=unquote(parts.password or ""),
                  HOST=unquote(parts.hostname or ""), PORT=str(port or ""))
    if family == "postgresql":
        # libpq's parameters may also come as query parameters (a throwaway
        # server's URLs name their socket directory and user so).
        fields["NAME"] = query.get("dbname") or (path[0] if path else "")
        for param, field in (("host", "HOST"), ("port", "PORT"), ("user", "USER"),
                             ("password", "PASSWORD")):
            if param in query:
                fields[field] = query[param]
    elif family == "mysql":
        fields["NAME"] = path[0] if path else ""
        if "socket" in query:
            fields["HOST"] = query["socket"]
    else:
        # oracle://USER:PASSWORD@HOST:PORT/SERVICE[/SCHEMA]: a worker's URL
        # names its clone schema as the user it logs in as.
        fields["NAME"] = path[0] if path else ""
    return fields


def _authority(settings, user):
    password = settings.get("PASSWORD") or ""
    host = settings.get("HOST") or ""
    port = str(settings.get("PORT") or "")
    text = ""
    if user:
        text = quote(user, safe="")
        if password:
            text += ":" + quote(password, safe="")
        text += "@"
    if host and not host.startswith("/"):
        text += "[%s]" % host if ":" in host else host
        if port:
            text += ":" + port
    elif port:
        text += ":" + port
    return text


def url_for_settings(settings, test_name, base_dir):
    """
    The partest URL of an alias's test database: settings is the alias's
    DATABASES entry, test_name the database Django's test runner would use
    (TEST NAME, or "test_" + NAME; for Oracle the test user). A relative
    SQLite name is taken from base_dir. Returns None for an engine partest
    has no backend for.
    """
    family = engine_family(settings.get("ENGINE"))
    host = settings.get("HOST") or ""
    if family == "sqlite":
        return "sqlite:" + os.path.join(base_dir, test_name)
    if family == "postgresql":
        url = "postgresql://%s/%s" % (_authority(settings, settings.get("USER")),
                                      quote(test_name, safe=""))
        return url + ("?host=" + quote(host, safe="/") if host.startswith("/") else "")
    if family == "mysql":
        url = "mysql://%s/%s" % (_authority(settings, settings.get("USER")),
                                 quote(test_name, safe=""))
        return url + ("?socket=" + quote(host, safe="/") if host.startswith("/") else "")
    if family == "oracle":
        return "oracle://%s/%s/%s" % (_authority(settings, settings.get("USER")),
                                      quote(settings.get("NAME") or "", safe=""),
                                      quote(test_name, safe=""))
    return None
