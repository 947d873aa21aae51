# syntax=docker/dockerfile:1
# atazan as one static binary in a distroless image, running as non-root.
#   docker build -t atazan .
#   docker run -d -v atazan-data:/data -p 8080:8080 -e ATAZAN_TELEGRAM_TOKEN=... atazan

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .ci/run runs this exact build line, so CI checks that the image's Go stage builds.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/atazan .
RUN mkdir -p /out/data

# static-debian12 carries CA certificates (Telegram, Әділет and LLM APIs are
# https) and time zones, and no shell: the health check is the binary itself.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/atazan /usr/local/bin/atazan
# An empty /data owned by the non-root user, so a new named volume is writable.
COPY --from=build --chown=65532:65532 /out/data /data
ENV ATAZAN_DATA_DIR=/data \
    ATAZAN_HTTP_ADDR=:8080 \
    ATAZAN_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
USER 65532:65532
# The first start may fetch the texts from Әділет and build the index.
HEALTHCHECK --interval=30s --timeout=5s --start-period=3m --retries=3 \
  CMD ["/usr/local/bin/atazan", "serve", "--healthcheck"]
ENTRYPOINT ["/usr/local/bin/atazan"]
CMD ["serve"]
