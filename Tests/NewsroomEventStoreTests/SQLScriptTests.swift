import NewsroomEventStore
import Testing

@Suite("Splitting SQL scripts into statements")
struct SQLScriptTests {
    @Test("semicolons inside quotes, dollar bodies and comments do not split")
    func respectsQuoting() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE t (a text DEFAULT 'x;y', "odd;name" int);
            /* block; comment */ INSERT INTO t VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
            CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$;
            SELECT $1::int;
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 5)
        #expect(statements[0].hasSuffix("\"odd;name\" int)"))
        #expect(statements[1].hasSuffix("VALUES ('it''s; fine')"))
        #expect(statements[2].contains("BEGIN RETURN 1; END $$"))
        #expect(statements[3].contains("$body$ SELECT 'a;b' $body$"))
        #expect(statements[4] == "SELECT $1::int")
    }

    @Test("a script of comments only has no statements")
    func commentsOnly() {
        #expect(SQLScript.statements(in: "-- nothing\n\n-- here;\n").isEmpty)
    }
}
