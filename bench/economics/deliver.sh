#!/bin/sh
# pipe(8) delivery for the SMTP baseline: spamc scans the message on stdin through spamd (as a recipient's filter would),
# and the scanned message is written into the Maildir $1 (tmp, then renamed into new, as maildir delivery does).
set -e
name=$(date +%s.%N).$$.b.example
spamc -d 127.0.0.1 -p "$2" > "$1/tmp/$name"
mv "$1/tmp/$name" "$1/new/$name"
