# aftercall for distributed mode (api / worker / dispatcher / migrate). Not built or tested on the development
# machines (they run no Docker engine): see docs/deployment.md.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip install --no-cache-dir '.[distributed]' && pip install --no-cache-dir --no-deps resemblyzer==0.1.4
# A user of its own, owning the data volume (the model cache lives there), so the image never runs as root.
RUN groupadd --system --gid 10001 aftercall \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/aftercall aftercall \
    && mkdir -p /var/lib/aftercall && chown aftercall:aftercall /var/lib/aftercall
# In a container the API listens on every interface (the host decides what is published).
ENV AFTERCALL_DATA_DIR=/var/lib/aftercall AFTERCALL_HOST=0.0.0.0
VOLUME /var/lib/aftercall
USER aftercall
EXPOSE 8731
# The api role's liveness (/livez, no key). The other roles serve no API: give them their own check or none
# (compose does: a worker's metrics port; the dispatcher and migrate none), or `docker run --no-healthcheck`.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('AFTERCALL_PORT', '8731') + '/livez', timeout=3)"]
ENTRYPOINT ["aftercall"]
