/** Routed records as the consumers and the verify tool read them (consumers/record.ts). */
import { frameJsonSr, parseRoutedRecord, RecordParseError, routedRecordId } from "../../consumers/record";

const row = {
  id: "e1",
  event_name: "n",
  event_type: "LoanCreated",
  created_date: "d",
  saved_date: "d",
  event_data: '{"eventBody":{"entities":[{"entityType":"Loan"}]}}',
  __op: "c",
  __table: "business_events",
  __ts_ms: 5,
};

describe("routed record parsing", () => {
  test("plain JSON and Schema Registry framed JSON parse the same", () => {
    const plain = parseRoutedRecord(Buffer.from(JSON.stringify(row)));
    expect(parseRoutedRecord(frameJsonSr(100001, JSON.stringify(row)))).toEqual(plain);
    expect(plain).toMatchObject({
      id: "e1",
      op: "c",
      eventType: "LoanCreated",
      capturedAtMs: 5,
      data: { eventBody: { entities: [{ entityType: "Loan" }] } },
    });
  });

  test("tombstones, non-JSON values, rows without id/__op and bad event_data are rejected with a reason", () => {
    expect(() => parseRoutedRecord(null)).toThrow("tombstone");
    expect(() => parseRoutedRecord(Buffer.from("nope"))).toThrow(RecordParseError);
    expect(() => parseRoutedRecord(Buffer.from('{"id":"x"}'))).toThrow("lacks the id and __op");
    expect(() => parseRoutedRecord(Buffer.from(JSON.stringify({ ...row, event_data: "{bad" })))).toThrow(
      "event_data of e1 is not JSON",
    );
    expect(parseRoutedRecord(Buffer.from(JSON.stringify({ ...row, event_data: null }))).data).toBeNull();
    expect(routedRecordId(Buffer.from(JSON.stringify({ ...row, event_data: "{bad" })))).toBe("e1");
  });
});
