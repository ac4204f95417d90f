package customs_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

func TestValidateInventoryDefaults(t *testing.T) {
	in := inventoryInput(t)
	in.Parties.AgentCode = " " + strings.ToLower(brokerCode) + " "
	inv, err := customs.ValidateInventory(in)
	if err != nil {
		t.Fatal(err)
	}
	p := inv.Parties
	if p.AgentCode != brokerCode || p.OwnerCode != exporterCode || p.OwnerName != "襄阳外贸有限公司" ||
		p.EbpCode != platformCode || p.EbpName != "襄阳跨境电商平台有限公司" {
		t.Errorf("parties %+v", p)
	}
	if inv.StatisticsFlag != customs.StatisticsSummarised || inv.TrafMode != customs.TrafModeRailway {
		t.Errorf("defaults %s %s", inv.StatisticsFlag, inv.TrafMode)
	}
	// no platform anywhere: the seller is its own platform (the schema wants one)
	in = inventoryInput(t)
	in.Parcel.EbpCode, in.Parcel.EbpName = "", ""
	inv, err = customs.ValidateInventory(in)
	if err != nil || inv.Parties.EbpCode != exporterCode || inv.Parties.EbpName != "襄阳外贸有限公司" {
		t.Errorf("no platform: %+v %v", inv.Parties, err)
	}
	// given parties win; the exporter itself declares with its USCC
	in = inventoryInput(t)
	in.Parties.AgentCode, in.Parties.AgentName = exporterUSCC, "襄阳外贸有限公司"
	in.Parties.OwnerCode, in.Parties.OwnerName = "4206930002", "襄阳制衣厂"
	in.StatisticsFlag, in.TrafMode = "a", "5"
	inv, err = customs.ValidateInventory(in)
	if err != nil || inv.Parties.OwnerCode != "4206930002" || inv.StatisticsFlag != "A" || inv.TrafMode != "5" ||
		inv.Parties.AgentCode != exporterUSCC {
		t.Errorf("given: %+v %v", inv, err)
	}
	// 1210 with the bonded-zone warehouse firm
	in = inventoryInput(t)
	in.Parcel = parcelFields(t, parcel.TradeMode1210)
	in.Parties.IacCode, in.Parties.IacName = iacCode, "综保区仓储有限公司"
	if inv, err := customs.ValidateInventory(in); err != nil || inv.Parties.IacCode != iacCode {
		t.Errorf("1210: %+v %v", inv.Parties, err)
	}
	d, err := customs.NewInventory("dec-b", in, at(0), "x")
	if err != nil || d.TradeMode() != "1210" {
		t.Errorf("NewInventory 1210: %v", err)
	}
}

func TestValidateInventoryRules(t *testing.T) {
	cases := []struct {
		name string
		edit func(*customs.InventoryInput)
		want []fieldCode
	}{
		{"no parcel id", func(in *customs.InventoryInput) { in.ParcelID = "" }, []fieldCode{{"parcelId", "required"}}},
		{"no exporter", func(in *customs.InventoryInput) { in.ExporterID = " " }, []fieldCode{{"exporterId", "required"}}},
		{"other exporter", func(in *customs.InventoryInput) { in.ExporterID = "org-exporter-2" },
			[]fieldCode{{"exporterId", "exporter_mismatch"}}},
		{"parcel broken", func(in *customs.InventoryInput) { in.Parcel.Items[0].Gcode = "6109" },
			[]fieldCode{{"parcel.items[0].gcode", "invalid_hs_code"}}},
		{"parcel without items", func(in *customs.InventoryInput) { in.Parcel.Items = nil },
			[]fieldCode{{"parcel.items", "no_items"}}},
		{"no agent", func(in *customs.InventoryInput) { in.Parties.AgentCode, in.Parties.AgentName = "", "" },
			[]fieldCode{{"parties.agentCode", "required"}, {"parties.agentName", "required"}}},
		{"bad agent code", func(in *customs.InventoryInput) { in.Parties.AgentCode = "12345" },
			[]fieldCode{{"parties.agentCode", "invalid_party_code"}}},
		{"bad agent USCC", func(in *customs.InventoryInput) { in.Parties.AgentCode = "914403001922038217" },
			[]fieldCode{{"parties.agentCode", "invalid_uscc"}}},
		{"bad ebc customs code", func(in *customs.InventoryInput) { in.Parties.EbcCode = "4206A30001" },
			[]fieldCode{{"parties.ebcCode", "invalid_customs_code"}}},
		{"no ebc", func(in *customs.InventoryInput) { in.Parties.EbcCode, in.Parties.EbcName = "", "" },
			[]fieldCode{{"parties.ebcCode", "required"}, {"parties.ebcName", "required"}}},
		{"long ebc name", func(in *customs.InventoryInput) { in.Parties.EbcName = strings.Repeat("名", 101) },
			[]fieldCode{{"parties.ebcName", "too_long"}}},
		{"platform code without name", func(in *customs.InventoryInput) { in.Parties.EbpCode = platformCode },
			[]fieldCode{{"parties.ebpName", "required"}}},
		{"owner name without code", func(in *customs.InventoryInput) { in.Parties.OwnerName = "厂" },
			[]fieldCode{{"parties.ownerCode", "required"}}},
		{"iac on 9610", func(in *customs.InventoryInput) { in.Parties.IacCode, in.Parties.IacName = iacCode, "仓" },
			[]fieldCode{{"parties.iacCode", "not_applicable"}, {"parties.iacName", "not_applicable"}}},
		{"1210 without iac", func(in *customs.InventoryInput) { in.Parcel = parcelFields(t, parcel.TradeMode1210) },
			[]fieldCode{{"parties.iacCode", "required"}, {"parties.iacName", "required"}}},
		{"long carrier name", func(in *customs.InventoryInput) { in.Parties.LogisticsName = strings.Repeat("物", 101) },
			[]fieldCode{{"parties.logisticsName", "too_long"}}},
		{"no districts", func(in *customs.InventoryInput) { in.CustomsCode, in.PortCode = "", "" },
			[]fieldCode{{"customsCode", "required"}, {"portCode", "required"}}},
		{"bad districts", func(in *customs.InventoryInput) { in.CustomsCode, in.PortCode = "470", "4700A" },
			[]fieldCode{{"customsCode", "invalid_customs_district"}, {"portCode", "invalid_customs_district"}}},
		{"bad flag", func(in *customs.InventoryInput) { in.StatisticsFlag = "C" },
			[]fieldCode{{"statisticsFlag", "invalid_statistics_flag"}}},
		{"bad trafMode", func(in *customs.InventoryInput) { in.TrafMode = "1" },
			[]fieldCode{{"trafMode", "invalid_traf_mode"}}},
	}
	for _, c := range cases {
		in := inventoryInput(t)
		c.edit(&in)
		_, err := customs.ValidateInventory(in)
		if got := fieldCodes(err); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		if _, err := customs.NewInventory("dec-x", in, at(0), "x"); err == nil {
			t.Errorf("%s: NewInventory accepted", c.name)
		}
	}
}
