#!/bin/sh
# The web service: serves /www on 8080 and counts its starts in the shared volume.
echo "start $(hostname)" >> /data/starts
echo "web up, greeting=$GREETING"
exec httpd -f -p 8080 -h /www
