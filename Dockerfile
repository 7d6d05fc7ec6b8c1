# Build with the official Swift image, run on its slim variant.
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product newsroom \
 && mkdir -p /out/bin \
 && cp "$(swift build -c release --show-bin-path)/newsroom" /out/bin/

FROM swift:6.3-bookworm-slim
RUN useradd --system --create-home newsroom
COPY --from=build /out/bin/newsroom /app/bin/newsroom
COPY Schema /app/Schema
ENV NEWSROOM_SCHEMA_DIR=/app/Schema
USER newsroom
ENTRYPOINT ["/app/bin/newsroom"]
