# typeid from Ruby pg (Debian's ruby-pg): untyped and type-mapped
# parameters, typeid[] results, COPY, binary results.
# Connection settings come from the libpq environment (PGHOST, PGDATABASE, ...).
require "pg"

ORG_ID = "org_01h455vb4pex5vsknk084sn02q"

def check(cond, what)
  abort "FAILED: #{what}" unless cond
end

def sqlstate_of
  yield
  nil
rescue PG::Error => e
  e.result&.error_field(PG::PG_DIAG_SQLSTATE)
end

def user_id?(v)
  v.is_a?(String) && v.start_with?("user_") && v.length == 31
end

conn = PG.connect
conn.set_notice_processor { |_| }

# exec_params sends strings untyped
ids = (0..2).map do |i|
  conn.exec_params("INSERT INTO users (email) VALUES ($1) RETURNING id", ["u#{i}@example.com"]).getvalue(0, 0)
end
check ids.all? { |i| user_id?(i) }, "INSERT ... RETURNING id: #{ids}"
check conn.exec_params("SELECT email FROM users WHERE id = $1", [ids[0]]).getvalue(0, 0) == "u0@example.com",
      "SELECT by id"

# with BasicTypeMapForQueries, strings are typed text and arrays text[]:
# needs the implicit cast
conn.type_map_for_queries = PG::BasicTypeMapForQueries.new(conn)
check conn.exec_params("SELECT email FROM users WHERE id = $1", [ids[1]]).getvalue(0, 0) == "u1@example.com",
      "SELECT by id bound as text"
n = conn.exec_params("SELECT count(*) FROM users WHERE id = ANY($1)", [ids[0, 2]]).getvalue(0, 0)
check n == "2", "= ANY(array) found #{n}"

state = sqlstate_of { conn.exec_params("INSERT INTO users (id, email) VALUES ($1, 'x')", [ORG_ID]) }
check state == "22023", "typeid('user') refuses an org_ id: #{state.inspect}"
state = sqlstate_of { conn.exec_params("SELECT 1 FROM users WHERE id = $1", ["nope"]) }
check state == "22P02", "not a typeid: #{state.inspect}"

# typeid[]: a text array decoder registered for its OID (per database)
conn.exec_params("UPDATE users SET friends = $1 WHERE id = $2", [ids[1..], ids[0]])
raw = conn.exec_params("SELECT friends FROM users WHERE id = $1", [ids[0]]).getvalue(0, 0)
check raw == "{#{ids[1..].join(',')}}", "typeid[] unregistered: #{raw}"
array_oid = conn.exec("SELECT 'typeid[]'::regtype::oid").getvalue(0, 0).to_i
results = PG::BasicTypeMapForResults.new(conn)
results.default_type_map = PG::TypeMapByOid.new.tap do |m|
  m.add_coder(PG::TextDecoder::Array.new(oid: array_oid, elements_type: PG::TextDecoder::String.new))
end
conn.type_map_for_results = results
friends = conn.exec_params("SELECT friends FROM users WHERE id = $1", [ids[0]]).getvalue(0, 0)
check friends == ids[1..], "typeid[] as an Array: #{friends.inspect}"
conn.type_map_for_results = PG::TypeMapAllStrings.new

# binary results: typeid's binary form is its text
r = conn.exec_params("SELECT id FROM users WHERE id = $1", [ids[2]], 1)
check r.getvalue(0, 0) == ids[2], "binary result: #{r.getvalue(0, 0).inspect}"

# COPY in and out
conn.copy_data("COPY users (id, email) FROM STDIN") do
  conn.put_copy_data("user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\n")
  conn.put_copy_data("01h455vb4pex5vsknk084sn02r\tnoprefix@example.com\n")
end
out = +""
conn.copy_data("COPY (SELECT id, email FROM users WHERE email IN ('copy@example.com', 'noprefix@example.com') " \
               "ORDER BY id) TO STDOUT") do
  while (line = conn.get_copy_data)
    out << line
  end
end
check out == "user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\nuser_01h455vb4pex5vsknk084sn02r\tnoprefix@example.com\n",
      "COPY out: #{out.inspect}"
state = sqlstate_of do
  conn.copy_data("COPY users (id, email) FROM STDIN") { conn.put_copy_data("#{ORG_ID}\tx\n") }
end
check state == "22023", "COPY refuses an org_ id: #{state.inspect}"

# a row looked up by a bare UUID
uuid = conn.exec_params("SELECT typeid_uuid($1)", [ids[2]]).getvalue(0, 0)
email = conn.exec_params("SELECT email FROM users WHERE id = typeid_from_uuid('user', $1)", [uuid]).getvalue(0, 0)
check email == "u2@example.com", "lookup by UUID"
conn.close
puts "ruby-pg #{PG::VERSION} ok"
