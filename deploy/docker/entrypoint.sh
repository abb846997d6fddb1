#!/bin/sh
# Container entrypoint of every service image.
#   start      migrate the service's database, then serve (the default; what compose runs)
#   migrate    only migrate (the Kubernetes initContainer)
#   serve      only serve (the Kubernetes main container)
#   anything else is executed as given, e.g. `docker run --rm -it inventory/reservation sh`
set -eu

: "${SERVICE:?SERVICE is not set; build the image with --build-arg SERVICE=<service>}"

if [ "$#" -eq 0 ]; then
    set -- start
fi

case "$1" in
    start)
        shift
        "$SERVICE" migrate
        # exec so that the server is PID 1 and receives SIGTERM directly for a graceful stop.
        exec "$SERVICE" serve "$@"
        ;;
    migrate | serve)
        exec "$SERVICE" "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
