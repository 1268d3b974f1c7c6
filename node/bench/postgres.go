package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jejak/jejak/protocol"
)

// postgres is a throwaway PostgreSQL cluster in a folder of the run,
// listening on a Unix socket in that folder only (no TCP), as the trace
// scenario's central-database baseline.
type postgres struct {
	bin  string // folder of initdb and pg_ctl
	dir  string // the cluster's data folder
	sock string // the socket's folder
	log  string
	as   []string // the command prefix that runs a program as the cluster's owner
	conn *pgx.Conn
}

// findPostgres returns the folder holding initdb and pg_ctl.
func findPostgres(dir string) (string, error) {
	if dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			return "", fmt.Errorf("no initdb in %s: %w", dir, err)
		}
		return dir, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) > 0 {
		return filepath.Dir(found[len(found)-1]), nil
	}
	return "", fmt.Errorf("initdb and pg_ctl %w (on Debian: apt-get install postgresql)", errNoBaseline)
}

// startPostgres creates and starts a cluster. PostgreSQL refuses to run as
// root, so under root the cluster belongs to the user nobody and its
// programs run through runuser.
func startPostgres(ctx context.Context, r *run) (*postgres, error) {
	bin, err := findPostgres(r.cfg.Postgres)
	if err != nil {
		return nil, err
	}
	root, err := r.subdir("postgres")
	if err != nil {
		return nil, err
	}
	pg := &postgres{bin: bin, dir: filepath.Join(root, "data"), sock: root, log: filepath.Join(root, "log")}
	if os.Geteuid() == 0 {
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return nil, fmt.Errorf("running as root, and no runuser to start PostgreSQL as an unprivileged user: %w", err)
		}
		pg.as = []string{runuser, "-u", "nobody", "--"}
		// nobody must reach the cluster's folder: open the run's folders
		// to it (they hold only what the run builds).
		for d := root; strings.HasPrefix(d, r.dir) && d != "/"; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				return nil, err
			}
		}
		if err := os.Chown(root, 65534, 65534); err != nil {
			return nil, fmt.Errorf("give the cluster's folder to nobody: %w", err)
		}
	}
	r.say("trace", "starting a throwaway PostgreSQL from %s", bin)
	if out, err := pg.cmd(ctx, "initdb", "-D", pg.dir, "-U", "bench", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLines(out))
	}
	if err := pg.start(ctx); err != nil {
		return nil, err
	}
	return pg, nil
}

// cmd returns the command running a PostgreSQL program as the cluster's
// owner.
func (pg *postgres) cmd(ctx context.Context, prog string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, pg.as...), filepath.Join(pg.bin, prog)), args...)
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	c.Env = append(os.Environ(), "LC_ALL=C")
	return c
}

func (pg *postgres) start(ctx context.Context) error {
	// No TCP at all; fsync off only speeds up loading the copy.
	o := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -c fsync=off", pg.sock)
	if out, err := pg.cmd(ctx, "pg_ctl", "-D", pg.dir, "-l", pg.log, "-w", "-o", o, "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(pg.log)
		return fmt.Errorf("pg_ctl start: %v: %s %s", err, lastLines(out), lastLines(log))
	}
	conn, err := pgx.Connect(ctx, "host="+pg.sock+" user=bench dbname=postgres")
	if err != nil {
		return fmt.Errorf("connect to the throwaway PostgreSQL: %w", err)
	}
	pg.conn = conn
	return nil
}

// restart stops and starts the server, so its shared buffers are empty.
func (pg *postgres) restart(ctx context.Context) error {
	pg.conn.Close(ctx)
	if out, err := pg.cmd(ctx, "pg_ctl", "-D", pg.dir, "-w", "-m", "fast", "stop").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, lastLines(out))
	}
	return pg.start(ctx)
}

func (pg *postgres) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if pg.conn != nil {
		pg.conn.Close(ctx)
	}
	pg.cmd(ctx, "pg_ctl", "-D", pg.dir, "-w", "-m", "immediate", "stop").Run()
}

// reset creates empty tables, without indexes until index.
func (pg *postgres) reset(ctx context.Context) error {
	_, err := pg.conn.Exec(ctx, `DROP TABLE IF EXISTS records, edges;
		CREATE UNLOGGED TABLE records (cid bytea NOT NULL, data bytea NOT NULL);
		CREATE UNLOGGED TABLE edges (child bytea NOT NULL, parent bytea NOT NULL);`)
	return err
}

// load copies records and edges in.
func (pg *postgres) load(ctx context.Context, recs []protocol.Signed, edges []edge) error {
	if _, err := pg.conn.CopyFrom(ctx, pgx.Identifier{"records"}, []string{"cid", "data"},
		pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
			return []any{recs[i].CID.Bytes(), recs[i].Bytes}, nil
		})); err != nil {
		return fmt.Errorf("copy records into PostgreSQL: %w", err)
	}
	if _, err := pg.conn.CopyFrom(ctx, pgx.Identifier{"edges"}, []string{"child", "parent"},
		pgx.CopyFromSlice(len(edges), func(i int) ([]any, error) {
			return []any{edges[i].from.Bytes(), edges[i].to.Bytes()}, nil
		})); err != nil {
		return fmt.Errorf("copy edges into PostgreSQL: %w", err)
	}
	return nil
}

// index indexes the tables and gathers the planner's statistics.
func (pg *postgres) index(ctx context.Context) error {
	for _, q := range []string{
		`ALTER TABLE records ADD PRIMARY KEY (cid)`,
		`CREATE INDEX edges_child ON edges (child, parent)`,
		`VACUUM ANALYZE records`, // VACUUM runs outside a transaction: one statement each
		`VACUUM ANALYZE edges`,
	} {
		if _, err := pg.conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("PostgreSQL: %s: %w", q, err)
		}
	}
	return nil
}

// walkQuery returns the bytes of every record reachable from $1.
const walkQuery = `WITH RECURSIVE anc(cid) AS (
		SELECT $1::bytea
		UNION
		SELECT e.parent FROM edges e JOIN anc ON e.child = anc.cid
	)
	SELECT r.cid, r.data FROM anc JOIN records r ON r.cid = anc.cid`

// walk runs walkQuery from start and reads every row; it returns how
// many records it reached.
func (pg *postgres) walk(ctx context.Context, start protocol.CID) (int, error) {
	rows, err := pg.conn.Query(ctx, walkQuery, start.Bytes())
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n, size := 0, 0
	for rows.Next() {
		var c, data []byte
		if err := rows.Scan(&c, &data); err != nil {
			return 0, err
		}
		n++
		size += len(data)
	}
	if size == 0 && n > 0 {
		return 0, fmt.Errorf("PostgreSQL returned %d records without their bytes", n)
	}
	return n, rows.Err()
}

// lastLines returns the last lines of a program's output, for an error.
func lastLines(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > 4 {
		lines = lines[len(lines)-4:]
	}
	return strconv.Quote(strings.Join(lines, "; "))
}
