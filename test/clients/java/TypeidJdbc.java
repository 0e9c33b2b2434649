// typeid from JDBC (pgjdbc, Debian's libpostgresql-jdbc-java) on the default
// JDK, run as a single-file program: java -cp postgresql.jar TypeidJdbc.java
//
// Connection settings come from the libpq environment (PGPORT, PGUSER,
// PGDATABASE); pgjdbc needs TCP, so the host is JDBC_HOST or, when PGHOST
// is a socket directory, 127.0.0.1.
import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

public class TypeidJdbc
{
	static final String ORG_ID = "org_01h455vb4pex5vsknk084sn02q";

	static void check(boolean cond, String what)
	{
		if (!cond)
			throw new AssertionError("FAILED: " + what);
	}

	interface Sql
	{
		void run() throws SQLException;
	}

	static String sqlstate(Sql body)
	{
		try
		{
			body.run();
			return null;
		}
		catch (SQLException e)
		{
			return e.getSQLState();
		}
	}

	static String env(String name, String dflt)
	{
		String v = System.getenv(name);
		return v == null || v.isEmpty() ? dflt : v;
	}

	static Connection connect(String extra) throws SQLException
	{
		String pghost = env("PGHOST", "127.0.0.1");
		String host = env("JDBC_HOST", pghost.startsWith("/") ? "127.0.0.1" : pghost);
		Properties props = new Properties();
		props.setProperty("user", env("PGUSER", System.getProperty("user.name")));
		return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + env("PGPORT", "5432") + "/"
										   + env("PGDATABASE", "postgres") + extra, props);
	}

	static String one(Connection conn, String sql, String... params) throws SQLException
	{
		try (PreparedStatement ps = conn.prepareStatement(sql))
		{
			for (int i = 0; i < params.length; i++)
				ps.setString(i + 1, params[i]);
			try (ResultSet rs = ps.executeQuery())
			{
				check(rs.next(), "a row from " + sql);
				return rs.getString(1);
			}
		}
	}

	public static void main(String[] args) throws Exception
	{
		try (Connection conn = connect(""))
		{
			// setString binds varchar: needs the implicit varchar -> typeid cast
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 3; i++)
				ids.add(one(conn, "INSERT INTO users (email) VALUES (?) RETURNING id", "u" + i + "@example.com"));
			for (String id : ids)
				check(id.matches("user_[0-9a-z]{26}"), "INSERT ... RETURNING id: " + id);
			check(one(conn, "SELECT email FROM users WHERE id = ?", ids.get(0)).equals("u0@example.com"),
				  "SELECT by id with setString");
			check(one(conn, "INSERT INTO users (id, email) VALUES (?, ?) RETURNING id",
					  "user_01h455vb4pex5vsknk084sn02q", "set@example.com").equals("user_01h455vb4pex5vsknk084sn02q"),
				  "INSERT with setString");
			try (PreparedStatement ps = conn.prepareStatement("SELECT email FROM users WHERE id = ?"))
			{
				ps.setObject(1, ids.get(1), Types.OTHER);	/* untyped */
				try (ResultSet rs = ps.executeQuery())
				{
					check(rs.next() && rs.getString(1).equals("u1@example.com"), "setObject(..., Types.OTHER)");
				}
			}

			// = ANY(?) with a java.sql.Array of varchar or text
			for (String elementType : new String[] {"varchar", "text"})
			{
				try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM users WHERE id = ANY(?)"))
				{
					ps.setArray(1, conn.createArrayOf(elementType, ids.subList(0, 2).toArray()));
					try (ResultSet rs = ps.executeQuery())
					{
						check(rs.next() && rs.getInt(1) == 2, "= ANY(" + elementType + "[])");
					}
				}
			}

			String state = sqlstate(() -> one(conn, "INSERT INTO users (id, email) VALUES (?, 'x') RETURNING id", ORG_ID));
			check("22023".equals(state), "typeid('user') refuses an org_ id: " + state);
			state = sqlstate(() -> one(conn, "SELECT 1 FROM users WHERE id = ?", "nope"));
			check("22P02".equals(state), "not a typeid: " + state);

			// typeid[]: getString gives the text form, getArray PGobjects whose
			// toString() is the id
			try (PreparedStatement ps = conn.prepareStatement("UPDATE users SET friends = ? WHERE id = ?"))
			{
				ps.setArray(1, conn.createArrayOf("varchar", ids.subList(1, 3).toArray()));
				ps.setString(2, ids.get(0));
				check(ps.executeUpdate() == 1, "UPDATE friends");
			}
			try (PreparedStatement ps = conn.prepareStatement("SELECT friends, friends FROM users WHERE id = ?"))
			{
				ps.setString(1, ids.get(0));
				try (ResultSet rs = ps.executeQuery())
				{
					check(rs.next(), "friends row");
					check(rs.getString(1).equals("{" + ids.get(1) + "," + ids.get(2) + "}"), "typeid[] getString");
					Array a = rs.getArray(2);
					Object[] elements = (Object[]) a.getArray();
					/* elements of a type pgjdbc does not know are PGobjects */
					check(elements[0] instanceof org.postgresql.util.PGobject
						  && ((org.postgresql.util.PGobject) elements[0]).getType().equals("typeid"),
						  "typeid[] elements are PGobjects: " + elements[0].getClass());
					List<String> strings = Arrays.stream(elements).map(Object::toString).toList();
					check(strings.equals(ids.subList(1, 3)), "typeid[] getArray: " + strings);
				}
			}

			// COPY in and out through the CopyManager
			CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
			long n = copy.copyIn("COPY users (id, email) FROM STDIN",
								 new StringReader("user_01h455vb4pex5vsknk084sn02r\tcopy@example.com\n"
												  + "01h455vb4pex5vsknk084sn02s\tnoprefix@example.com\n"));
			check(n == 2, "COPY in rows: " + n);
			StringWriter out = new StringWriter();
			copy.copyOut("COPY (SELECT id, email FROM users WHERE email IN ('copy@example.com', 'noprefix@example.com') "
						 + "ORDER BY id) TO STDOUT", out);
			check(out.toString().equals("user_01h455vb4pex5vsknk084sn02r\tcopy@example.com\n"
										+ "user_01h455vb4pex5vsknk084sn02s\tnoprefix@example.com\n"),
				  "COPY out: " + out);
			state = sqlstate(() -> {
				try
				{
					copy.copyIn("COPY users (id, email) FROM STDIN", new StringReader(ORG_ID + "\tx\n"));
				}
				catch (java.io.IOException e)
				{
					throw new SQLException(e);
				}
			});
			check("22023".equals(state), "COPY refuses an org_ id: " + state);

			// a row looked up by a bare UUID
			String uuid = one(conn, "SELECT typeid_uuid(?)::text", ids.get(2));
			try (PreparedStatement ps = conn.prepareStatement("SELECT email FROM users WHERE id = typeid_from_uuid('user', ?)"))
			{
				ps.setObject(1, java.util.UUID.fromString(uuid));
				try (ResultSet rs = ps.executeQuery())
				{
					check(rs.next() && rs.getString(1).equals("u2@example.com"), "lookup by java.util.UUID");
				}
			}
			String oid = one(conn, "SELECT 'typeid'::regtype::oid::text");

			// binary transfer of typeid, asked for by OID (it differs per
			// database): getString gives null for a binary value of a type
			// pgjdbc does not know, but getBytes gives the wire bytes, which
			// are the text
			try (Connection bin = connect("?prepareThreshold=-1&binaryTransferEnable=" + oid);
				 PreparedStatement ps = bin.prepareStatement("SELECT id FROM users WHERE id = ?"))
			{
				ps.setString(1, ids.get(2));
				try (ResultSet rs = ps.executeQuery())
				{
					check(rs.next(), "binary row");
					check(rs.getString(1) == null, "the value came in binary (pgjdbc 42.5's getString gives null)");
					String s = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8);
					check(s.equals(ids.get(2)), "binary getBytes: " + s);
				}
			}
		}
		System.out.println("pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION + " ok");
	}
}
