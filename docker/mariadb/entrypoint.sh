#!/bin/sh
# Initialises the data directory on first start (root reachable from anywhere with
# MARIADB_ROOT_PASSWORD), then runs mariadbd in the foreground. A restarted container
# keeps its data directory and skips the initialisation.
set -eu
: "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set}"
DATADIR=/var/lib/mysql
set -- --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --port=3306 \
    --skip-name-resolve --skip-log-bin \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=32M \
    --innodb-flush-log-at-trx-commit=2 --max-connections=500 "$@"

if [ ! -d "$DATADIR/mysql" ]; then
    echo "entrypoint: initialising $DATADIR"
    mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db \
        --auth-root-authentication-method=normal >/dev/null
    pw=$(printf '%s' "$MARIADB_ROOT_PASSWORD" | sed "s/'/''/g")
    cat >/run/mysqld/init.sql <<SQL
DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'$(hostname)';
ALTER USER 'root'@'localhost' IDENTIFIED BY '$pw';
CREATE USER 'root'@'%' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
    chown mysql:mysql /run/mysqld/init.sql
    set -- "$@" --init-file=/run/mysqld/init.sql
fi
exec mariadbd "$@"
