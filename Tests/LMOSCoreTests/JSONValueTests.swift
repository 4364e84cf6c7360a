import LMOSCore
import Testing

@Suite("JSONValue and JSONObject")
struct JSONValueTests {
    // MARK: Access

    @Test("key and index subscripts")
    func subscripts() {
        let value: JSONValue = ["a": [10, "x", nil], "b": ["c": true]]
        #expect(value["a"]?[0] == 10)
        #expect(value["a"]?[1] == "x")
        #expect(value["a"]?[2] == .null)
        #expect(value["a"]?[3] == nil)
        #expect(value["a"]?[-1] == nil)
        #expect(value["b"]?["c"] == true)
        #expect(value["missing"] == nil)
        #expect(value[0] == nil, "index into an object")
        #expect(value["a"]?["x"] == nil, "key into an array")
        #expect(JSONValue.string("abc")["a"] == nil)
        #expect(JSONValue.null[0] == nil)
    }

    @Test("setting through the key subscript")
    func subscriptSetter() {
        var value: JSONValue = ["a": 1, "b": 2, "c": 3]
        value["b"] = "two"
        value["d"] = nil
        value["e"] = .null
        value["a"] = nil
        #expect(value.jsonString() == #"{"b":"two","c":3,"e":null}"#)
        value["b"]?["inner"] = 1  // not an object: nothing happens
        #expect(value["b"] == "two")

        var nested: JSONValue = ["outer": ["inner": 1]]
        nested["outer"]?["inner"] = 2
        nested["outer"]?["added"] = [true]
        #expect(nested.jsonString() == #"{"outer":{"inner":2,"added":[true]}}"#)

        var array: JSONValue = [1, 2]
        array["a"] = 3  // not an object: nothing happens
        #expect(array == [1, 2])
    }

    @Test("typed accessors")
    func accessors() {
        #expect(JSONValue.string("s").stringValue == "s")
        #expect(JSONValue.integer(1).stringValue == nil)
        #expect(JSONValue.bool(false).boolValue == false)
        #expect(JSONValue.null.boolValue == nil)
        #expect(JSONValue.integer(-5).integerValue == -5)
        #expect(JSONValue.double(2.0).integerValue == 2)
        #expect(JSONValue.double(2.5).integerValue == nil)
        #expect(JSONValue.double(0x1p63).integerValue == nil)
        #expect(JSONValue.string("1").integerValue == nil)
        #expect(JSONValue.integer(3).doubleValue == 3.0)
        #expect(JSONValue.double(-0.25).doubleValue == -0.25)
        #expect(JSONValue.bool(true).doubleValue == nil)
        #expect(JSONValue.array([1]).arrayValue == [1])
        #expect(JSONValue.object(["k": 1]).objectValue == ["k": 1])
        #expect(JSONValue.array([]).objectValue == nil)
        #expect(JSONValue.null.isNull)
        #expect(!JSONValue.bool(false).isNull)
        #expect(JSONValue.integer(0).isNumber && JSONValue.double(0).isNumber)
        #expect(!JSONValue.string("0").isNumber)
    }

    @Test("type names follow JSON Schema")
    func typeNames() {
        let values: [JSONValue] = [nil, true, 1, 1.5, "s", [], [:]]
        #expect(values.map(\.typeName) == ["null", "boolean", "integer", "number", "string", "array", "object"])
    }

    @Test("literals build the matching cases")
    func literals() {
        let null: JSONValue = nil
        let bool: JSONValue = true
        let integer: JSONValue = -42
        let double: JSONValue = 4.5
        let string: JSONValue = "s"
        let array: JSONValue = [1, "a"]
        let object: JSONValue = ["k": 1, "j": [2]]
        #expect(null.jsonString() == "null")
        #expect(bool.jsonString() == "true")
        #expect(integer.typeName == "integer" && integer.integerValue == -42)
        #expect(double.typeName == "number" && double.doubleValue == 4.5)
        #expect(string.stringValue == "s")
        #expect(array.jsonString() == #"[1,"a"]"#)
        #expect(object.jsonString() == #"{"k":1,"j":[2]}"#)
        // A later duplicate replaces the value in the position of the first.
        let duplicates: JSONValue = ["a": 1, "b": 2, "a": 3]
        #expect(duplicates.jsonString() == #"{"a":3,"b":2}"#)
        let objectLiteral: JSONObject = ["x": 1, "y": 2, "x": 0]
        #expect(objectLiteral.keys == ["x", "y"])
        #expect(objectLiteral["x"] == 0)
    }

    // MARK: Equality and hashing

    @Test("objects compare without regard to member order")
    func objectEquality() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"b":[1,2]}"#) == JSONValue(parsing: #"{"b":[1,2],"a":1}"#))
        #expect(try JSONValue(parsing: #"{"a":1}"#) != JSONValue(parsing: #"{"a":1,"b":2}"#))
        #expect(try JSONValue(parsing: #"{"a":1,"b":2}"#) != JSONValue(parsing: #"{"a":1}"#))
        #expect(try JSONValue(parsing: #"{"a":1}"#) != JSONValue(parsing: #"{"b":1}"#))
        #expect(try JSONValue(parsing: #"{"a":null}"#) != JSONValue(parsing: "{}"))
        #expect(try JSONValue(parsing: "[1,2]") != JSONValue(parsing: "[2,1]"), "arrays are ordered")
    }

    @Test("an integer equals a double of the same value, and nothing else")
    func numericEquality() {
        #expect(JSONValue.integer(1) == .double(1.0))
        #expect(JSONValue.double(1.0) == .integer(1))
        #expect(JSONValue.integer(0) == .double(-0.0))
        #expect(JSONValue.integer(1) != .double(1.5))
        #expect(JSONValue.integer(Int64.max) != .double(0x1p63))
        #expect(JSONValue.integer(Int64.min) == .double(-0x1p63))
        #expect(JSONValue.integer((1 << 53) + 1) != .double(0x1p53))
        #expect(JSONValue.array([1, 2]) == .array([1.0, 2.0]))
        #expect((["a": 1] as JSONValue) == (["a": 1.0] as JSONValue))
        #expect(JSONValue.double(.nan) != .double(.nan))
    }

    @Test("different kinds are never equal")
    func kindInequality() {
        let values: [JSONValue] = [nil, false, 0, 0.5, "", [], [:], "null", "0", [nil], ["": nil]]
        for (i, a) in values.enumerated() {
            for (j, b) in values.enumerated() {
                #expect((a == b) == (i == j), "\(a) vs \(b)")
            }
        }
    }

    @Test("equal values hash alike")
    func hashing() throws {
        let pairs: [(JSONValue, JSONValue)] = [
            (.integer(1), .double(1.0)),
            (.integer(0), .double(-0.0)),
            (.double(0), .double(-0.0)),
            (.integer(Int64.min), .double(-0x1p63)),
            (
                try JSONValue(parsing: #"{"a":1,"b":{"c":[1,2.0]}}"#),
                try JSONValue(parsing: #"{"b":{"c":[1.0,2]},"a":1.0}"#)
            ),
            (["x": nil, "y": "z"], ["y": "z", "x": nil]),
        ]
        for (a, b) in pairs {
            #expect(a == b)
            #expect(a.hashValue == b.hashValue, "\(a) vs \(b)")
        }
        let set: Set<JSONValue> = [1, 1.0, 2, "2", ["a": 1, "b": 2], ["b": 2, "a": 1.0], nil]
        #expect(set.count == 5)
        #expect(set.contains(2.0))
        #expect(set.contains(["b": 2.0, "a": 1]))
        #expect(!set.contains(["a": 1]))
    }

    // MARK: JSONObject

    @Test("set, replace and remove keep positions")
    func objectPositions() {
        var object = JSONObject()
        #expect(object.isEmpty)
        object["a"] = 1
        object["b"] = 2
        object["c"] = 3
        object["b"] = "replaced"
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["b"] == "replaced")
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        object["b"] = 4
        #expect(object.keys == ["a", "c", "b"], "a removed name comes back at the end")
        object["c"] = .null
        #expect(object.contains("c"))
        #expect(object["c"] == .null)
        #expect(object.removeValue(forKey: "a") == 1)
        #expect(object.removeValue(forKey: "a") == nil)
        #expect(object.keys == ["c", "b"])
        #expect(object.count == 2)
        #expect(object.members == [.init(key: "c", value: .null), .init(key: "b", value: 4)])
        #expect(object.map(\.key) == ["c", "b"], "iteration is in order")
        #expect(JSONObject([("x", 1), ("y", 2), ("x", 3)]).members.map(\.value) == [3, 2])
    }

    @Test("positions and lookups stay right across the 12-member hash-index threshold")
    func objectPastThreshold() {
        var object = JSONObject()
        var expectedKeys: [String] = []
        func check(_ note: String) {
            #expect(object.keys == expectedKeys, "\(note)")
            #expect(object.count == expectedKeys.count, "\(note)")
            for (position, key) in expectedKeys.enumerated() {
                #expect(object.contains(key), "\(note): \(key)")
                #expect(object[key] == object.members[position].value, "\(note): \(key)")
            }
            #expect(object["absent"] == nil, "\(note)")
            #expect(!object.contains("absent"), "\(note)")
        }
        for index in 0..<20 {
            object["k\(index)"] = .integer(Int64(index))
            expectedKeys.append("k\(index)")
            check("after adding k\(index)")
        }
        for index in 0..<20 { #expect(object["k\(index)"] == .integer(Int64(index))) }

        object["k5"] = "five"  // replace keeps position
        check("after replacing k5")
        #expect(object.members[5].value == "five")

        object["k3"] = nil  // remove shifts the rest; lookups must follow
        expectedKeys.removeAll { $0 == "k3" }
        check("after removing k3")
        #expect(object["k19"] == 19)
        #expect(object["k4"] == 4)

        object["k3"] = 33  // re-added at the end
        expectedKeys.append("k3")
        check("after re-adding k3")
        #expect(object.members.last?.value == 33)

        // Shrink to below the threshold and grow back above it.
        for index in 10..<20 {
            object.removeValue(forKey: "k\(index)")
            expectedKeys.removeAll { $0 == "k\(index)" }
            check("after removing k\(index)")
        }
        for index in 20..<30 {
            object["k\(index)"] = .integer(Int64(index))
            expectedKeys.append("k\(index)")
            check("after adding k\(index)")
        }
        object["k0"] = nil
        expectedKeys.removeFirst()
        check("after removing k0")
        object["k25"] = [1]
        check("after replacing k25")
        #expect(object["k25"] == [1])
    }

    @Test("a parsed object past the threshold supports replace and remove")
    func parsedLargeObject() throws {
        let text = "{" + (0..<16).map { "\"m\($0)\":\($0)" }.joined(separator: ",") + "}"
        var value = try JSONValue(parsing: text)
        value["m7"] = "seven"
        value["m2"] = nil
        value["new"] = true
        let keys = (0..<16).filter { $0 != 2 }.map { "m\($0)" } + ["new"]
        #expect(value.objectValue?.keys == keys)
        #expect(value["m7"] == "seven")
        #expect(value["m15"] == 15)
        #expect(value["new"] == true)
        #expect(value["m2"] == nil)
    }

    @Test("JSONObject equality and hashing ignore order")
    func objectEqualityAndHash() {
        let a = JSONObject((0..<15).map { ("k\($0)", JSONValue.integer(Int64($0))) })
        let b = JSONObject((0..<15).reversed().map { ("k\($0)", JSONValue.double(Double($0))) })
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        var c = b
        c["k0"] = 1
        #expect(a != c)
    }

    @Test("description is compact JSON")
    func description() {
        let value: JSONValue = ["a": [1, 2.0, "\u{1}"]]
        #expect(value.description == #"{"a":[1,2.0,"\u0001"]}"#)
        #expect("\(value)" == #"{"a":[1,2.0,"\u0001"]}"#)
    }

    @Test("names and strings that differ only in Unicode normalization stay distinct (RFC 8259 section 8.3)")
    func canonicallyEquivalentNames() throws {
        let composed = "\u{E9}"
        let decomposed = "e\u{301}"
        #expect(composed == decomposed, "Swift's String == uses canonical equivalence")

        #expect(JSONValue.string(composed) != .string(decomposed))
        #expect(Set<JSONValue>([.string(composed), .string(decomposed)]).count == 2)

        let value = try JSONValue(parsing: #"{"\u00e9":1,"e\u0301":2}"#)
        #expect(value.objectValue?.count == 2)
        #expect(value[composed] == 1)
        #expect(value[decomposed] == 2)

        var object = JSONObject()
        object[composed] = 1
        object[decomposed] = 2
        object[composed] = 3
        #expect(object.keys.map { Array($0.utf8) } == [[0xC3, 0xA9], [0x65, 0xCC, 0x81]])
        #expect(object.members.map(\.value) == [3, 2])
        #expect(JSONValue.object(object) != (["\u{E9}": 3] as JSONValue))

        // Past the hash-index threshold, too.
        var large = JSONObject((0..<15).map { ("k\($0)", JSONValue.integer(Int64($0))) })
        large[composed] = "composed"
        large[decomposed] = "decomposed"
        #expect(large.count == 17)
        #expect(large[composed] == "composed")
        #expect(large[decomposed] == "decomposed")

        // An exact duplicate is still a duplicate.
        #expect(parseError(#"{"\u00e9":1,"\u00e9":2}"#)?.code == .invalidJSON)
    }
}
