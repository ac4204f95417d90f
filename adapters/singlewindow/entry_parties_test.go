package singlewindow

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/app"
)

// An entry declaration naming a shipper or broker customs has not registered is rejected (E),
// the reason naming the field and the code, as a list is; with both registered it is numbered
// and goes through.
func TestSimulatorRejectsAnEntryOfAnUnregisteredParty(t *testing.T) {
	registered := map[string]bool{"4206360A21": true, "4206380015": true}
	check := func(_ context.Context, code string) (bool, error) { return registered[code], nil }
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	entry := func(guid, tradeCode, agentCode string) app.OutgoingMessage {
		dec := &ceb.DecMessage{GUID: guid, AppTime: ceb.FormatAppTime(at),
			DecHead: ceb.DecHead{IEFlag: "E", CustomMaster: "4700", IEPort: "4700", TradeMode: "0110", TrafMode: "3",
				TradeCode: tradeCode, TradeName: "甲", AgentCode: agentCode, AgentName: "丙", TradeCountry: "DEU",
				DistinatePort: "DEU000", TransMode: "3", PackNo: 1, WrapType: "22", GrossWet: "1", NetWt: "0.8"},
			DecLists: ceb.DecLists{DecList: []ceb.DecList{{GNo: 1, CodeTS: "8518300000", CiqCode: "999", GName: "耳机", GModel: "TWS",
				GQty: "2", GUnit: "007", FirstQty: "2", FirstUnit: "007", DeclPrice: "19.9", DeclTotal: "39.8", TradeCurr: "300",
				OriginCountry: "CHN", DestinationCountry: "DEU"}}},
			DecSign: ceb.DecSign{OperType: "C", CopCode: agentCode, OperName: "丙", ClientSeqNo: "SG2026120100000002"}}
		xml, err := ceb.Marshal(dec)
		if err != nil {
			t.Fatal(err)
		}
		return app.OutgoingMessage{Type: "DEC", GUID: guid, XML: xml}
	}
	for _, c := range []struct{ trade, agent, want string }{
		{"4206369999", "4206380015", "TradeCode 4206369999"},
		{"4206360A21", "4206389999", "AgentCode 4206389999"},
	} {
		q := &capture{}
		sim := NewSimulator(SimulatorConfig{Seed: 1, Step: time.Second}, q, check, nil)
		if err := sim.Send(context.Background(), entry("7E0F4B7E-1C2D-4E3F-8A9B-0C1D2E3F4A5B", c.trade, c.agent)); err != nil {
			t.Fatal(err)
		}
		rs := q.receipts(t)
		if statusesOf(rs) != "E" || rs[0].EntryID != "" || !strings.Contains(rs[0].ReturnInfo, c.want) ||
			!strings.Contains(rs[0].ReturnInfo, "未在海关备案") {
			t.Errorf("%s: answered %s %+v", c.want, statusesOf(rs), rs)
		}
	}
	q := &capture{}
	sim := NewSimulator(SimulatorConfig{Seed: 1, Step: time.Second}, q, check, nil)
	if err := sim.Send(context.Background(), entry("8F0F4B7E-1C2D-4E3F-8A9B-0C1D2E3F4A5B", "4206360A21", "4206380015")); err != nil {
		t.Fatal(err)
	}
	if got := statusesOf(q.receipts(t)); got != "L,P,R" && got != "L,C,P,R" {
		t.Errorf("registered parties: answered %s", got)
	}
}
