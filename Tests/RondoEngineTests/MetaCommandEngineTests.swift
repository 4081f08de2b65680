import NIOCore
import XCTest

@testable import RondoEngine

/// Meta command replies as memcached 1.6.18 gives them (CAS values are Rondo's own).
final class MetaCommandEngineTests: XCTestCase {
    func testMetaGetFlagsInRequestOrder() throws {
        let h = EngineHarness()
        _ = try h.run("set a 5 0 3\r\nabc\r\n")
        XCTAssertEqual(try h.run("mg a\r\n"), "HD\r\n")
        XCTAssertEqual(try h.run("mg a v\r\n"), "VA 3\r\nabc\r\n")
        let cas = try h.run("mg a c\r\n").dropFirst(4).dropLast(1)
        XCTAssertEqual(try h.run("mg a s v f t c k O123 q\r\n"), "VA 3 s3 f5 t-1 c\(cas) ka O123\r\nabc\r\n")
        XCTAssertEqual(try h.run("mg a k v Oabc\r\n"), "VA 3 ka Oabc\r\nabc\r\n")
        XCTAssertEqual(try h.run("mg a h l t\r\n"), "HD h1 l0 t-1\r\n")
        XCTAssertEqual(try h.run("mg a O\r\n"), "HD O\r\n")
    }

    func testMetaGetMissAndQuietMode() throws {
        let h = EngineHarness()
        _ = try h.run("set a 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("mg zz v\r\nmg zz\r\n"), "EN\r\nEN\r\n")
        XCTAssertEqual(try h.run("mg zz k Oab v\r\n"), "EN kzz Oab\r\n")
        XCTAssertEqual(try h.run("mg enp6 b k v\r\n"), "EN kenp6 b\r\n")
        // q hides EN only; a hit still answers.
        XCTAssertEqual(try h.run("mg zz v q\r\nmg a q\r\nmg a v q\r\nmn\r\n"), "HD\r\nVA 1\r\nx\r\nMN\r\n")
    }

    func testMetaGetBase64AndTTL() throws {
        let h = EngineHarness()
        _ = try h.run("set a 0 0 3\r\nabc\r\n")
        XCTAssertEqual(try h.run("mg YQ== b v k\r\n"), "VA 3 kYQ== b\r\nabc\r\n", "memcached 1.6.18 echoes the key as sent")
        XCTAssertEqual(try h.run("mg YQ b v\r\n"), "CLIENT_ERROR error decoding key\r\n")
        XCTAssertEqual(try h.run("mg a T30 t\r\nmg a t\r\n"), "HD t30\r\nHD t30\r\n")
        h.clock.advance(bySeconds: 10)
        XCTAssertEqual(try h.run("mg a t\r\n"), "HD t20\r\n")
        XCTAssertEqual(try h.run("mg a !\r\nmg a v v\r\n"), "CLIENT_ERROR invalid flag\r\nCLIENT_ERROR duplicate flag\r\n")
        XCTAssertEqual(try h.run("mg a O\(String(repeating: "x", count: 32))\r\n"), "CLIENT_ERROR opaque token too long\r\n")
    }

    func testMetaGetVivify() throws {
        let h = EngineHarness()
        let first = try h.run("mg viv N30 v t\r\n")
        XCTAssertEqual(first, "VA 0 t30 W\r\n\r\n")
        XCTAssertEqual(try h.run("mg viv v\r\n"), "VA 0\r\n\r\n")
    }

    func testMetaSetModesAndCAS() throws {
        let h = EngineHarness()
        XCTAssertEqual(try h.run("ms k 2\r\nhi\r\n"), "HD\r\n")
        let reply = try h.run("ms k 2 T10 F7 c k\r\nhi\r\n")
        let cas = try XCTUnwrap(reply.split(separator: " ").dropFirst().first?.dropFirst())
        XCTAssertEqual(reply, "HD c\(cas) kk\r\n")
        XCTAssertEqual(try h.run("mg k v f t c\r\n"), "VA 2 f7 t10 c\(cas)\r\nhi\r\n")
        XCTAssertEqual(try h.run("ms k 2 ME\r\nhi\r\nms k2 2 MR q\r\nhi\r\nmn\r\n"), "NS\r\nNS\r\nMN\r\n")
        XCTAssertEqual(try h.run("ms k 1 MA\r\n!\r\nms k 1 MP\r\n<\r\nmg k v\r\n"), "HD\r\nHD\r\nVA 4\r\n<hi!\r\n")
        XCTAssertEqual(try h.run("ms k 1 C1\r\ny\r\nms zz 1 C1\r\ny\r\n"), "EX\r\nNF\r\n")
        XCTAssertEqual(try h.run("ms q1 1 q\r\nx\r\nms k 1 ME q Oz\r\nx\r\nmn\r\n"), "NS Oz\r\nMN\r\n")
        XCTAssertEqual(try h.run("ms enp6 1 b k c\r\nx\r\n").hasPrefix("HD kenp6 b c"), true)
        XCTAssertEqual(try h.run("mg zzz v\r\n"), "VA 1\r\nx\r\n")
        XCTAssertEqual(try h.run("ms k 2 MZ\r\nhi\r\nmn\r\n"), "CLIENT_ERROR invalid mode for ms M token\r\nMN\r\n")
        XCTAssertEqual(try h.run("ms a 1\r\nxyz\r\nmn\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\nMN\r\n")
    }

    func testMetaDelete() throws {
        let h = EngineHarness()
        _ = try h.run("set d 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("md d\r\nmd d\r\nmd d q\r\nmd d k O9\r\nmn\r\n"), "HD\r\nNF\r\nNF\r\nNF kd O9\r\nMN\r\n")
        _ = try h.run("set d 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("md d C1\r\nmd d q\r\nmn\r\n"), "EX\r\nMN\r\n")
        XCTAssertEqual(try h.run("md d x\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n")
    }

    func testMetaDeleteInvalidateMarksStale() throws {
        let h = EngineHarness()
        _ = try h.run("set d 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("md d I T30\r\n"), "HD\r\n")
        XCTAssertEqual(try h.run("mg d v t\r\n"), "VA 1 t30 X W\r\nx\r\n")
    }

    func testMetaArithmetic() throws {
        let h = EngineHarness()
        XCTAssertEqual(try h.run("ma nope\r\n"), "NF\r\n")
        XCTAssertEqual(try h.run("ma nope N0 J5\r\n"), "HD\r\n")
        XCTAssertEqual(try h.run("ma nope v\r\n"), "VA 1\r\n6\r\n")
        XCTAssertEqual(try h.run("ma nope v MD D2\r\n"), "VA 1\r\n4\r\n")
        XCTAssertEqual(try h.run("ma n2 N0 J10 T100 t v\r\n"), "VA 2 t100\r\n10\r\n")
        XCTAssertEqual(try h.run("ma nope M- D100 v\r\nma nope M+ v\r\n"), "VA 1\r\n0\r\nVA 1\r\n1\r\n")
        XCTAssertEqual(try h.run("ma nope q v\r\nma zz q\r\nmn\r\n"), "NF\r\nMN\r\n")
        _ = try h.run("set s 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("ma s\r\n"), "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n")
        XCTAssertEqual(try h.run("ma s D-1\r\nma s Mx\r\nma nope C1\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid mode for ma M token\r\nEX\r\n")
        XCTAssertEqual(try h.run("ma nope k O1 v t\r\n"), "VA 1 knope O1 t-1\r\n3\r\n")
    }

    func testMetaDebugAndNoOp() throws {
        let h = EngineHarness()
        _ = try h.run("set e 3 0 2\r\nhi\r\n")
        let reply = try h.run("me e\r\n")
        XCTAssertTrue(reply.hasPrefix("ME e exp=-1 la=0 cas="), reply)
        XCTAssertTrue(reply.hasSuffix(" fetch=no cls=1 size=3\r\n"), reply)
        XCTAssertEqual(try h.run("me zz\r\nmn\r\nmn x\r\n"), "EN\r\nMN\r\nMN\r\n")
    }
}
