# Private Apache (mod_cgid) and nginx + fcgiwrap instances on 127.0.0.1,
# configured from the shipped apache-example.conf and nginx-fcgiwrap.conf;
# and the same servers in front of the program's FastCGI mode, configured
# from contrib/ (the nginx and Apache snippets, the systemd unit's
# settings), the program started by spawn-fcgi (behind nginx) or by
# systemd-socket-activate (behind Apache).  Used by the integration tests,
# the benchmarks and `make serve`.  Every process started
# here is recorded by PID in $SRV_DIR/pids and stopped by PID, never by name.
#
# Callers set SRV_TOP (the source tree) and optionally SRV_SIGNATURE
# (require, log, off), SRV_URL (SIPGATE_WEBHOOK_URL), SRV_LOG (the event
# log path) and SRV_RULES (a call
# rules file, copied with its folder so that the server's user can read it).

SRV_APACHE=/usr/sbin/apache2
SRV_APACHE_MODULES=/usr/lib/apache2/modules
SRV_NGINX=/usr/sbin/nginx
SRV_FCGIWRAP=/usr/sbin/fcgiwrap
SRV_START_SECONDS=${SRV_START_SECONDS:-15}

srv_have_apache() { [ -x "$SRV_APACHE" ] && [ -f "$SRV_APACHE_MODULES/mod_cgid.so" ]; }
srv_have_nginx() { [ -x "$SRV_NGINX" ] && [ -x "$SRV_FCGIWRAP" ]; }
srv_have_fcgi() { command -v spawn-fcgi > /dev/null && command -v systemd-socket-activate > /dev/null; }
srv_have_nginx_fcgi() { [ -x "$SRV_NGINX" ] && srv_have_fcgi; }
srv_have_apache_fcgi() { [ -x "$SRV_APACHE" ] && [ -f "$SRV_APACHE_MODULES/mod_proxy_fcgi.so" ] && srv_have_fcgi; }

# A port nobody listens on now.
srv_free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# srv_prepare: a private folder the server's user can reach, holding a copy
# of the binary and the log directory.
srv_prepare() {
	SRV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sipgate-webhook.XXXXXX") || return 1
	chmod 0755 "$SRV_DIR"
	mkdir -p "$SRV_DIR/cgi-bin" "$SRV_DIR/log" "$SRV_DIR/run"
	cp "$SRV_TOP/cgi-bin/sipgate-webhook" "$SRV_DIR/cgi-bin/"
	SRV_LOG=${SRV_LOG:-$SRV_DIR/log/events.jsonl}
	SRV_RULES_COPY=
	if [ -n "${SRV_RULES:-}" ]; then
		mkdir "$SRV_DIR/rules"
		cp -r "$(dirname "$SRV_RULES")"/. "$SRV_DIR/rules/" || return 1
		chmod -R a+rX "$SRV_DIR/rules"
		SRV_RULES_COPY=$SRV_DIR/rules/$(basename "$SRV_RULES")
	fi
	mkdir -p "$(dirname "$SRV_LOG")"
	: > "$SRV_DIR/pids"
	# The menus' key as the shipped confs take it: from a file.
	if [ -n "${SRV_STATE_KEY:-}" ]; then
		mkdir "$SRV_DIR/secret"
		printf '%s\n' "$SRV_STATE_KEY" > "$SRV_DIR/secret/state-key"
		chmod 0644 "$SRV_DIR/secret/state-key"
		chmod 0755 "$SRV_DIR/secret"
	fi
	if [ "$(id -u)" = 0 ]; then
		SRV_USER=www-data
		chown www-data:www-data "$SRV_DIR/log" "$SRV_DIR/run" "$(dirname "$SRV_LOG")"
	else
		SRV_USER=
	fi
}

# The shipped settings with this instance's paths and signature mode.
srv_settings() {
	sed -e "s|/usr/local/lib/cgi-bin|$SRV_DIR/cgi-bin|g" \
	    -e "s|/etc/sipgate-webhook/calls.htpasswd|$SRV_DIR/calls.htpasswd|" \
	    -e "s|/var/log/sipgate-webhook/events.jsonl|$SRV_LOG|" \
	    -e "s|SIPGATE_SIGNATURE require|SIPGATE_SIGNATURE ${SRV_SIGNATURE:-require}|" \
	    -e "s|/run/fcgiwrap.socket|$SRV_DIR/run/fcgiwrap.socket|" \
	    -e "s|/run/sipgate-webhook.sock|$SRV_DIR/run/sipgate-webhook.sock|" \
	    -e "${SRV_RULES_COPY:+s%#\(SetEnv\|fastcgi_param\) SIPGATE_RULES /etc/sipgate-webhook/rules%\1 SIPGATE_RULES $SRV_RULES_COPY%}" \
	    -e "${SRV_STATE_KEY:+s%#\(SetEnv\|fastcgi_param\) SIPGATE_STATE_KEY_FILE /etc/sipgate-webhook/state-key%\1 SIPGATE_STATE_KEY_FILE $SRV_DIR/secret/state-key%}" \
	    -e "${SRV_URL:+s%#\(SetEnv\|fastcgi_param\) SIPGATE_WEBHOOK_URL https://hooks.example.org/sipgate%\1 SIPGATE_WEBHOOK_URL $SRV_URL%}" \
	    -e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" \
	    "$1"
}

# Waits until the port answers HTTP, at most SRV_START_SECONDS.
srv_wait() {
	local port=$1 pid=$2 i
	for i in $(seq $((SRV_START_SECONDS * 10))); do
		kill -0 "$pid" 2> /dev/null || return 1
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && return 0
		sleep 0.1
	done
	return 1
}

srv_start_apache() {
	srv_apache "$1" "$SRV_TOP/apache-example.conf" alias cgid
}

srv_start_apache_fcgi() {
	srv_start_program systemd-socket-activate -l "$SRV_DIR/run/sipgate-webhook.sock" || return 1
	srv_apache "$1" "$SRV_TOP/contrib/apache-fastcgi.conf" proxy proxy_fcgi
}

# srv_apache PORT CONFIG MODULE...: Apache with the shipped CONFIG.
srv_apache() {
	local port=$1 site=$2 conf="$SRV_DIR/apache.conf" m
	shift 2
	{
		for m in mpm_event authz_core authn_core authn_file auth_basic authz_user \
		    env "$@"; do
			echo "LoadModule ${m}_module $SRV_APACHE_MODULES/mod_$m.so"
		done
		cat <<-EOC
		ServerRoot "$SRV_DIR"
		ServerName 127.0.0.1
		Listen 127.0.0.1:$port
		PidFile "$SRV_DIR/run/apache.pid"
		ErrorLog "$SRV_DIR/apache-error.log"
		LogFormat "%h \"%r\" %>s %b %D" short
		CustomLog "$SRV_DIR/apache-access.log" short
		<IfModule cgid_module>
		ScriptSock "$SRV_DIR/run/cgid.sock"
		</IfModule>
		MaxRequestWorkers 64
		ThreadsPerChild 32
		ServerLimit 4
		EOC
		[ -z "$SRV_USER" ] || printf 'User %s\nGroup %s\n' "$SRV_USER" "$SRV_USER"
		srv_settings "$site"
	} > "$conf"
	setsid "$SRV_APACHE" -f "$conf" -DFOREGROUND &
	SRV_PID=$!
	echo "$SRV_PID" >> "$SRV_DIR/pids"
	srv_wait "$port" "$SRV_PID" || { cat "$SRV_DIR/apache-error.log" >&2; return 1; }
}

srv_start_nginx() {
	local sock="$SRV_DIR/run/fcgiwrap.socket" i
	if [ -n "$SRV_USER" ]; then
		setsid setpriv --reuid="$SRV_USER" --regid="$SRV_USER" --init-groups \
			"$SRV_FCGIWRAP" -f -c 8 -s "unix:$sock" &
	else
		setsid "$SRV_FCGIWRAP" -f -c 8 -s "unix:$sock" &
	fi
	SRV_FCGI_PID=$!
	echo "$SRV_FCGI_PID" >> "$SRV_DIR/pids"
	for i in $(seq $((SRV_START_SECONDS * 10))); do [ -S "$sock" ] && break; sleep 0.1; done
	[ -S "$sock" ] || return 1
	srv_settings "$SRV_TOP/nginx-fcgiwrap.conf" > "$SRV_DIR/nginx-location.conf"
	: > "$SRV_DIR/nginx-http.conf"
	srv_nginx "$1"
}

srv_start_nginx_fcgi() {
	srv_start_program spawn-fcgi -n -s "$SRV_DIR/run/sipgate-webhook.sock" -- || return 1
	srv_settings "$SRV_TOP/contrib/nginx-fastcgi.conf" > "$SRV_DIR/nginx-location.conf"
	srv_settings "$SRV_TOP/contrib/nginx-fastcgi-upstream.conf" > "$SRV_DIR/nginx-http.conf"
	srv_nginx "$1"
}

# srv_nginx PORT: nginx with nginx-http.conf in http { } and
# nginx-location.conf in its server { }.
srv_nginx() {
	local port=$1 conf="$SRV_DIR/nginx.conf"
	mkdir -p "$SRV_DIR/nginx-tmp"
	[ -z "$SRV_USER" ] || chown "$SRV_USER" "$SRV_DIR/nginx-tmp"
	{
		[ -z "$SRV_USER" ] || echo "user $SRV_USER;"
		cat <<-EOC
		daemon off;
		worker_processes 2;
		pid $SRV_DIR/run/nginx.pid;
		error_log $SRV_DIR/nginx-error.log;
		events { worker_connections 1024; }
		http {
		    access_log $SRV_DIR/nginx-access.log;
		    client_body_temp_path $SRV_DIR/nginx-tmp/body;
		    proxy_temp_path $SRV_DIR/nginx-tmp/proxy;
		    fastcgi_temp_path $SRV_DIR/nginx-tmp/fastcgi;
		    uwsgi_temp_path $SRV_DIR/nginx-tmp/uwsgi;
		    scgi_temp_path $SRV_DIR/nginx-tmp/scgi;
		    include $SRV_DIR/nginx-http.conf;
		    server {
		        listen 127.0.0.1:$port;
		        server_name localhost;
		        location = / { return 200 "sipgate-webhook test server\n"; }
		EOC
		sed 's/^/        /' "$SRV_DIR/nginx-location.conf"
		echo "    }"
		echo "}"
	} > "$conf"
	setsid "$SRV_NGINX" -c "$conf" -p "$SRV_DIR" -e "$SRV_DIR/nginx-error.log" &
	SRV_PID=$!
	echo "$SRV_PID" >> "$SRV_DIR/pids"
	srv_wait "$port" "$SRV_PID" || { cat "$SRV_DIR/nginx-error.log" >&2; return 1; }
}

# The settings of the shipped systemd unit (its Environment= lines), with
# this instance's log, signature mode and rules: NAME=VALUE, one a line.
srv_unit_settings() {
	sed -n 's/^Environment=//p' "$SRV_TOP/contrib/sipgate-webhook.service" |
		sed -e "s|^SIPGATE_LOG=.*|SIPGATE_LOG=$SRV_LOG|" \
		    -e "s|^SIPGATE_SIGNATURE=.*|SIPGATE_SIGNATURE=${SRV_SIGNATURE:-require}|"
	[ -z "$SRV_RULES_COPY" ] || echo "SIPGATE_RULES=$SRV_RULES_COPY"
	[ -z "${SRV_STATE_KEY:-}" ] || echo "SIPGATE_STATE_KEY_FILE=$SRV_DIR/secret/state-key"
	[ -z "${SRV_URL:-}" ] || echo "SIPGATE_WEBHOOK_URL=$SRV_URL"
	echo "SIPGATE_WORKERS=${SRV_WORKERS:-2}"
	[ -z "${SRV_SYNC:-}" ] || echo "SIPGATE_SYNC=$SRV_SYNC"
}

# srv_start_program LAUNCHER...: the program in FastCGI mode, as the
# server's user, with the unit's settings; the launcher creates the socket.
srv_start_program() {
	local sock="$SRV_DIR/run/sipgate-webhook.sock" vars=() v i
	while IFS= read -r v; do vars+=("$v"); done < <(srv_unit_settings)
	if [ "$1" = systemd-socket-activate ]; then
		for v in "${vars[@]}"; do set -- "$@" -E "${v%%=*}"; done
	fi
	if [ -n "$SRV_USER" ]; then
		env -i PATH="$PATH" "${vars[@]}" setsid setpriv --reuid="$SRV_USER" --regid="$SRV_USER" \
			--init-groups "$@" "$SRV_DIR/cgi-bin/sipgate-webhook" 2> "$SRV_DIR/program-error.log" &
	else
		env -i PATH="$PATH" "${vars[@]}" setsid "$@" "$SRV_DIR/cgi-bin/sipgate-webhook" \
			2> "$SRV_DIR/program-error.log" &
	fi
	SRV_PROGRAM_PID=$!
	echo "$SRV_PROGRAM_PID" >> "$SRV_DIR/pids"
	for i in $(seq $((SRV_START_SECONDS * 10))); do [ -S "$sock" ] && return 0; sleep 0.1; done
	cat "$SRV_DIR/program-error.log" >&2
	return 1
}

# Stops everything this instance started: each was started by setsid as
# the leader of its own process group, so the group of each recorded PID
# (the server and the workers it forked) is signalled, and waited for.
srv_stop() {
	local pid i alive
	[ -n "${SRV_DIR:-}" ] && [ -f "$SRV_DIR/pids" ] || return 0
	while read -r pid; do
		kill -TERM -- "-$pid" 2> /dev/null
	done < "$SRV_DIR/pids"
	for i in $(seq 50); do
		alive=0
		while read -r pid; do
			kill -0 -- "-$pid" 2> /dev/null && alive=1
		done < "$SRV_DIR/pids"
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	while read -r pid; do kill -KILL -- "-$pid" 2> /dev/null; done < "$SRV_DIR/pids"
	: > "$SRV_DIR/pids"
}
