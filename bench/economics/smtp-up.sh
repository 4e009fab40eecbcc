#!/usr/bin/env bash
# A private Postfix + spamd on loopback for the spam-economics SMTP baseline, all under $1 (a temp dir): its own
# config_directory, queue_directory and data_directory, an smtpd on 127.0.0.1:$2, every recipient at b.example delivered
# by a pipe(8) transport that runs spamc against spamd (127.0.0.1:$3) and writes the scanned message into a Maildir
# ($1/mail/new): the recipient's filter and local delivery in one step, never through the system's mail setup
# (/etc/postfix is not read: `postfix -c` names the private directory; nothing is reinjected through sendmail).
# Postfix's master runs as root and drops to mail_owner (postfix); as a non-root user the script uses sudo.
set -euo pipefail
dir=$1 smtp_port=$2 spamd_port=$3
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
mkdir -p "$dir"/{etc,spool,data,mail/new,mail/cur,mail/tmp}
# mktemp -d makes the directory 0700: Postfix (user postfix) and the pipe (nobody) must pass through it.
chmod 755 "$dir"
here=$(cd "$(dirname "$0")" && pwd)
cat > "$dir/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
myhostname = mx.b.example
mydomain = b.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file_prefixes = $dir
maillog_file = $dir/maillog
smtpd_recipient_restrictions = permit_mynetworks, reject
virtual_mailbox_domains = b.example
virtual_transport = spamfilter
spamfilter_destination_recipient_limit = 1
max_idle = 3600s
smtpd_recipient_limit = 1000
message_size_limit = 10240000
CF
cat > "$dir/etc/master.cf" <<CF
127.0.0.1:$smtp_port inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000 0 flush
proxymap  unix - - n - - proxymap
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
spamfilter unix - n n - - pipe flags=Rq user=nobody argv=$here/deliver.sh $dir/mail $spamd_port
CF
chown -R nobody "$dir/mail"
chown postfix "$dir/data"
$SUDO /usr/sbin/postfix -c "$dir/etc" check
$SUDO /usr/sbin/postfix -c "$dir/etc" start
# spamd: preforked children (2), no per-user config, its own pid file; it runs the messages as nobody.
$SUDO /usr/sbin/spamd -d -i 127.0.0.1 -p "$spamd_port" -A 127.0.0.1 -m 2 --min-spare=2 --max-spare=2 -r "$dir/spamd.pid" -u nobody -x -s "$dir/spamd.log"
# spamd answers once its children have loaded the rules (tens of seconds on a loaded machine).
for _ in $(seq 600); do
  [ -s "$dir/spamd.pid" ] && [ -s "$dir/spool/pid/master.pid" ] && spamc -d 127.0.0.1 -p "$spamd_port" -K >/dev/null 2>&1 && exit 0
  sleep 0.2
done
echo "smtp-up.sh: postfix or spamd did not come up within 120 s (see $dir/maillog, $dir/spamd.log)" >&2
exit 1
