package dev.canaryrun.gcp.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DocumentIdsTest {
  @Test
  void auditSeqSortsLexicallyInNumericOrder() {
    assertEquals("0000000009", DocumentIds.auditSeq(9));
    assertTrue(DocumentIds.auditSeq(9).compareTo(DocumentIds.auditSeq(10)) < 0);
    assertTrue(DocumentIds.auditSeq(999).compareTo(DocumentIds.auditSeq(1000)) < 0);
  }

  @Test
  void eventIdsBecomeSafeDocumentIds() {
    assertEquals("1234567890", DocumentIds.event("1234567890"));
    assertEquals("b7e1c2d4-aaaa-4bbb-8ccc-0123456789ab",
        DocumentIds.event("b7e1c2d4-aaaa-4bbb-8ccc-0123456789ab"));
    String withSlash = DocumentIds.event("projects/p/messages/1");
    assertFalse(withSlash.contains("/"), withSlash);
    assertEquals("%2E", DocumentIds.event("."));
    assertEquals("%5F%5Fname%5F%5F", DocumentIds.event("__name__"));
    // injective: an id that already looks encoded stays distinct from the one it encodes
    assertNotEquals(DocumentIds.event("a/b"), DocumentIds.event("a%2Fb"));
    assertTrue(DocumentIds.event("x".repeat(2000)).startsWith("sha256-"));
  }
}
