# aftercall for distributed mode (api / worker / dispatcher / migrate). Not built or tested on the development
# machines (they run no Docker engine): see docs/deployment.md.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip install --no-cache-dir '.[distributed]'
ENV AFTERCALL_DATA_DIR=/var/lib/aftercall
USER nobody
ENTRYPOINT ["aftercall"]
