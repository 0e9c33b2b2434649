// typeid from Go with pgx v4 (Debian's golang-github-jackc-pgx-v4-dev),
// built in GOPATH mode against Debian's /usr/share/gocode (see run.sh).
// Connection settings come from the libpq environment (PGHOST, PGDATABASE, ...).
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgtype"
	"github.com/jackc/pgx/v4"
)

const orgID = "org_01h455vb4pex5vsknk084sn02q"

func check(cond bool, format string, args ...interface{}) {
	if !cond {
		fmt.Printf("FAILED: "+format+"\n", args...)
		os.Exit(1)
	}
}

func must(err error, what string) {
	check(err == nil, "%s: %v", what, err)
}

func sqlstate(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return fmt.Sprintf("not a server error: %v", err)
}

// registerTypeid makes pgx exchange typeid and typeid[] in binary: the
// binary form of typeid is its text, so pgtype.Text carries it.  Type OIDs
// differ per database, hence the lookup (do it in AfterConnect with a pool).
func registerTypeid(ctx context.Context, conn *pgx.Conn) error {
	var oid, arrayOid uint32
	if err := conn.QueryRow(ctx, "SELECT 'typeid'::regtype::oid, 'typeid[]'::regtype::oid").Scan(&oid, &arrayOid); err != nil {
		return err
	}
	ci := conn.ConnInfo()
	ci.RegisterDataType(pgtype.DataType{Value: &pgtype.Text{}, Name: "typeid", OID: oid})
	ci.RegisterDataType(pgtype.DataType{
		Value: pgtype.NewArrayType("_typeid", oid, func() pgtype.ValueTranscoder { return &pgtype.Text{} }),
		Name:  "_typeid", OID: arrayOid})
	return nil
}

func main() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "")
	must(err, "connect")
	defer conn.Close(ctx)
	userID := regexp.MustCompile(`^user_[0-9a-z]{26}$`)

	// nothing registered: typeid goes as text
	var ids []string
	for i := 0; i < 3; i++ {
		var id string
		must(conn.QueryRow(ctx, "INSERT INTO users (email) VALUES ($1) RETURNING id", fmt.Sprintf("u%d@example.com", i)).Scan(&id), "insert")
		check(userID.MatchString(id), "INSERT ... RETURNING id: %q", id)
		ids = append(ids, id)
	}
	var email string
	must(conn.QueryRow(ctx, "SELECT email FROM users WHERE id = $1", ids[0]).Scan(&email), "select by id")
	check(email == "u0@example.com", "SELECT by id: %q", email)
	var n int
	must(conn.QueryRow(ctx, "SELECT count(*) FROM users WHERE id = ANY($1::text[])", ids[:2]).Scan(&n), "any text[]")
	check(n == 2, "= ANY($1::text[]) found %d", n)
	_, err = conn.Exec(ctx, "INSERT INTO users (id, email) VALUES ($1, 'x')", orgID)
	check(sqlstate(err) == "22023", "typeid('user') refuses an org_ id: %v", err)
	_, err = conn.Exec(ctx, "SELECT 1 FROM users WHERE id = $1::text", "nope")
	check(sqlstate(err) == "22P02", "not a typeid: %v", err)

	// registered: binary parameters and results, typeid[] as []string
	must(registerTypeid(ctx, conn), "register typeid")
	must(conn.QueryRow(ctx, "SELECT email FROM users WHERE id = $1", ids[1]).Scan(&email), "select by id (binary)")
	check(email == "u1@example.com", "SELECT by id (binary): %q", email)
	must(conn.QueryRow(ctx, "SELECT count(*) FROM users WHERE id = ANY($1)", ids).Scan(&n), "any typeid[]")
	check(n == 3, "= ANY($1) found %d", n)
	_, err = conn.Exec(ctx, "UPDATE users SET friends = $1 WHERE id = $2", ids[1:], ids[0])
	must(err, "update friends")
	var friends []string
	var id string
	must(conn.QueryRow(ctx, "SELECT id, friends FROM users WHERE id = $1", ids[0]).Scan(&id, &friends), "select friends")
	check(id == ids[0] && reflect.DeepEqual(friends, ids[1:]), "typeid[] as []string: %v", friends)
	_, err = conn.Exec(ctx, "INSERT INTO users (id, email) VALUES ($1, 'x')", orgID)
	check(sqlstate(err) == "22023", "binary: typeid('user') refuses an org_ id: %v", err)
	_, err = conn.Exec(ctx, "SELECT 1 FROM users WHERE id = $1", "user_01h455vb4pex5vsknk084sn02Q")
	check(sqlstate(err) == "22P02", "binary input is validated: %v", err)

	// CopyFrom is a binary COPY: it needs typeid registered
	rows := [][]interface{}{{"user_01h455vb4pex5vsknk084sn02q", "copy@example.com"}, {"01h455vb4pex5vsknk084sn02r", "noprefix@example.com"}}
	copied, err := conn.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "email"}, pgx.CopyFromRows(rows))
	must(err, "CopyFrom")
	check(copied == 2, "CopyFrom copied %d", copied)
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "email"}, pgx.CopyFromRows([][]interface{}{{orgID, "x"}}))
	check(sqlstate(err) == "22023", "CopyFrom refuses an org_ id: %v", err)
	// text COPY in and out through pgconn
	_, err = conn.PgConn().CopyFrom(ctx, strings.NewReader("user_01h455vb4pex5vsknk084sn02s\tcopy2@example.com\n"), "COPY users (id, email) FROM STDIN")
	must(err, "COPY FROM STDIN")
	var out bytes.Buffer
	_, err = conn.PgConn().CopyTo(ctx, &out, "COPY (SELECT id, email FROM users WHERE email LIKE 'copy%' OR email LIKE 'noprefix%' ORDER BY id) TO STDOUT")
	must(err, "COPY TO STDOUT")
	check(out.String() == "user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\nuser_01h455vb4pex5vsknk084sn02r\tnoprefix@example.com\n"+
		"user_01h455vb4pex5vsknk084sn02s\tcopy2@example.com\n", "COPY out: %q", out.String())

	// ORDER BY id is the ids' string order
	r, err := conn.Query(ctx, "SELECT id FROM users ORDER BY id")
	must(err, "order by")
	var ordered []string
	for r.Next() {
		must(r.Scan(&id), "scan")
		ordered = append(ordered, id)
	}
	must(r.Err(), "rows")
	check(sort.StringsAreSorted(ordered) && len(ordered) == 6, "ORDER BY id is string order: %v", ordered)

	// a row looked up by a bare UUID ([16]byte binds as uuid)
	var uuid [16]byte
	must(conn.QueryRow(ctx, "SELECT typeid_uuid($1)", ids[2]).Scan(&uuid), "typeid_uuid")
	must(conn.QueryRow(ctx, "SELECT email FROM users WHERE id = typeid_from_uuid('user', $1)", uuid).Scan(&email), "lookup by UUID")
	check(email == "u2@example.com", "lookup by UUID: %q", email)
	fmt.Println("pgx v4 ok")
}
