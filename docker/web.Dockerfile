# The web, CPU-worker, beat and Flower image: no torch, no model runtimes (the web never imports them).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/var/lib/photoshoot
WORKDIR /app

COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .
RUN useradd --system --uid 10001 --home /app app \
    && mkdir -p "$VAR_DIR" && chown app "$VAR_DIR" \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER app

EXPOSE 8000
# Threads: POST Recommendations waits (RECOMMENDATION_WAIT_SECONDS) for the worker without blocking others.
CMD ["gunicorn", "adcreative.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "8", \
     "--access-logfile", "-"]
