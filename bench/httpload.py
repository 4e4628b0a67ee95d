"""Requests per second against one URL: wrk where it is installed, else a small keep-alive HTTP/1.1 load
generator on asyncio; and the loopback helpers the benchmarks that start a server share (a free port, whether
a port answers, waiting until it does) (the same for the project's URL and its baseline, so their ratio stays fair).

The asyncio client keeps `connections` connections open, each sending the next GET as soon as the last
response (Content-Length or chunked) has been read, for `seconds` seconds; it counts 2xx and 3xx answers
and fails on anything else.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import time
from urllib.parse import urlsplit


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), 1).close()
        return True
    except OSError:
        return False


def wait_for_port(port: int, seconds: float = 30) -> None:
    """Until a server listens on the loopback `port`; TimeoutError after `seconds`."""
    deadline = time.monotonic() + seconds
    while not reachable("127.0.0.1", port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds:.0f} s")
        time.sleep(0.2)


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "asyncio client"


def requests_per_second(
    url: str, headers: dict[str, str], seconds: float = 8.0, connections: int = 8
) -> float:
    if shutil.which("wrk"):
        return _wrk(url, headers, seconds, connections)
    return asyncio.run(_load(url, headers, seconds, connections))


def _wrk(url: str, headers: dict[str, str], seconds: float, connections: int) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


async def _response(reader: asyncio.StreamReader) -> int:
    """Read one response; its status."""
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        await reader.readexactly(length)
        return status
    while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
        await reader.readexactly(size + 2)
    await reader.readline()
    return status


async def _client(url: str, headers: dict[str, str], until: float) -> int:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", *(f"{k}: {v}" for k, v in headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    done = 0
    try:
        while time.monotonic() < until:
            writer.write(request)
            status = await _response(reader)
            if status >= 400:
                raise RuntimeError(f"{url} answered {status}")
            done += 1
    finally:
        writer.close()
    return done


async def _load(url: str, headers: dict[str, str], seconds: float, connections: int) -> float:
    started = time.monotonic()
    until = started + seconds
    done = await asyncio.gather(*(_client(url, headers, until) for _ in range(connections)))
    return sum(done) / (time.monotonic() - started)
