"""gunicorn's settings beside its command line: it reads this file from the working directory, so `make web`,
`manage.py runstack` and the compose file's web service all take them."""

# The longest request line gunicorn takes (its default is 4094 bytes): a query string up to this long is
# answered by the API, in the contract's error shape, rather than by gunicorn's HTML "414 URI Too Long".
limit_request_line = 8190

# How long an idle keep-alive connection stays open (gunicorn's default is 2 s): longer than the 2 s a
# polling client is told to wait (Retry-After), so its next poll does not race the server closing the
# connection under it ("connection reset" at the client, seen with 200 pollers in bench/load.py).
keepalive = 10
