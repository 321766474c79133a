# One image for the web server, the Celery worker and beat (see docker-compose.yml).
FROM node:20-slim AS static
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY declaration_tracker ./declaration_tracker
COPY access ./access
COPY audit ./audit
COPY notifications ./notifications
COPY commitments ./commitments
COPY dialogues ./dialogues
COPY webhooks ./webhooks
COPY reports ./reports
COPY calendar_feed ./calendar_feed
COPY dashboard ./dashboard
COPY declaration ./declaration
COPY markings ./markings
RUN pip install .
COPY . .
COPY --from=static /app/node_modules ./node_modules
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app tracker && mkdir -p /app/.run && chown -R tracker /app/.run
USER tracker

EXPOSE 8000
CMD ["gunicorn", "declaration_tracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
