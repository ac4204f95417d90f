package ceb_test

import (
	"strings"
	"testing"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

// TestReceiptsWithoutOptionalNumbers: E-Port answers a filing it refused before numbering it
// with empty preNo, invtNo and statisticsFlag. Such a receipt must still be read — a rejection
// lost for a missing number would leave the list waiting for ever — while a receipt without its
// guid, returnStatus or returnTime is still refused.
func TestReceiptsWithoutOptionalNumbers(t *testing.T) {
	const guid = "A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D"
	for _, c := range []struct{ name, doc string }{
		{"CEB604 empty elements", `<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB604Message guid="11111111-2222-4333-8444-555555555506" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
	<ceb:InventoryReturn>
		<ceb:guid>` + guid + `</ceb:guid>
		<ceb:agentCode>4206380015</ceb:agentCode>
		<ceb:copNo>SG20261125120000000001</ceb:copNo>
		<ceb:preNo></ceb:preNo>
		<ceb:invtNo/>
		<ceb:ebcCode>4206364A12</ceb:ebcCode>
		<ceb:ebpCode>4206364001</ceb:ebpCode>
		<ceb:orderNo>SO-1</ceb:orderNo>
		<ceb:statisticsFlag></ceb:statisticsFlag>
		<ceb:returnStatus>-301010</ceb:returnStatus>
		<ceb:returnTime>20261125120001123</ceb:returnTime>
		<ceb:returnInfo>报文重复</ceb:returnInfo>
	</ceb:InventoryReturn>
</ceb:CEB604Message>`},
		{"CEB606 empty preNo", `<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB606Message guid="11111111-2222-4333-8444-555555555507" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
	<ceb:InvtCancelReturn>
		<ceb:guid>` + guid + `</ceb:guid>
		<ceb:customsCode>4700</ceb:customsCode>
		<ceb:agentCode>4206380015</ceb:agentCode>
		<ceb:ebcCode>4206364A12</ceb:ebcCode>
		<ceb:copNo>SG20261125120000000002</ceb:copNo>
		<ceb:preNo></ceb:preNo>
		<ceb:invtNo></ceb:invtNo>
		<ceb:returnStatus>100</ceb:returnStatus>
		<ceb:returnTime>20261125120001123</ceb:returnTime>
		<ceb:returnInfo>退单</ceb:returnInfo>
	</ceb:InvtCancelReturn>
</ceb:CEB606Message>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rs, err := ceb.ParseReceipts([]byte(c.doc))
			if err != nil {
				t.Fatalf("a receipt without its optional numbers is refused: %v", err)
			}
			if len(rs) != 1 || rs[0].GUID != guid || rs[0].PreNo != "" || rs[0].InvtNo != "" || rs[0].ReturnStatus == "" {
				t.Fatalf("receipts %+v", rs)
			}
			docs, err := ceb.ParseReceiptStream([]byte(c.doc))
			if err != nil || len(docs) != 1 || docs[0].Err != nil {
				t.Fatalf("stream: %v %+v", err, docs)
			}
		})
	}
	// A wrong preNo is still refused, and so is a block without its returnStatus.
	bad := strings.Replace(strings.Replace(`<ceb:CEB604Message guid="11111111-2222-4333-8444-555555555506" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:InventoryReturn><ceb:guid>G</ceb:guid><ceb:agentCode>4206380015</ceb:agentCode><ceb:copNo>SG1</ceb:copNo><ceb:preNo>B2026</ceb:preNo><ceb:invtNo/><ceb:ebcCode>4206364A12</ceb:ebcCode><ceb:ebpCode>4206364001</ceb:ebpCode><ceb:orderNo>SO-1</ceb:orderNo><ceb:statisticsFlag>B</ceb:statisticsFlag><ceb:returnStatus>100</ceb:returnStatus><ceb:returnTime>20261125120001123</ceb:returnTime><ceb:returnInfo>x</ceb:returnInfo></ceb:InventoryReturn></ceb:CEB604Message>`,
		"<ceb:guid>G</ceb:guid>", "<ceb:guid>"+guid+"</ceb:guid>", 1), "", "", 0)
	if _, err := ceb.ParseReceipts([]byte(bad)); err == nil || !strings.Contains(err.Error(), "preNo") {
		t.Errorf("a preNo of 5 characters: %v", err)
	}
	noStatus := strings.Replace(bad, "<ceb:preNo>B2026</ceb:preNo>", "<ceb:preNo/>", 1)
	noStatus = strings.Replace(noStatus, "<ceb:returnStatus>100</ceb:returnStatus>", "<ceb:returnStatus></ceb:returnStatus>", 1)
	if _, err := ceb.ParseReceipts([]byte(noStatus)); err == nil || !strings.Contains(err.Error(), "returnStatus") {
		t.Errorf("a block without returnStatus: %v", err)
	}
}
