package ceb_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

// Values read in testdata/official/samples-2018-export. Every sample repeats one block ten times.
const (
	sampleMsgGUID   = "311af125-6fed-4603-8c5d-49b1fa4b4b9b" // lower case in the official samples
	sampleBlockGUID = "4CDE1CFD-EDED-46B1-946C-B8022E42FC94"
	sampleSumGUID   = "123ent97-2b80-4568-aecf-cb6c90530012"
	sampleCode      = "1105910159"
	sampleName      = "东方物通科技(北京)有限公司"
	sampleInfo      = "新增申报成功[4CDE1CFD-EDED-46B1-946C-B8022E42FC94]"
)

var (
	sampleReturnTime  = time.Date(2018, 5, 7, 15, 30, 1, 1e6, ceb.China)   // 20180507153001001
	sampleSummaryTime = time.Date(2018, 5, 8, 10, 11, 12, 12e6, ceb.China) // 20180508101112012
)

func TestOfficialSampleReceipts(t *testing.T) {
	base := func(msg, guid string, at time.Time) ceb.Receipt {
		return ceb.Receipt{Message: msg, MessageGUID: sampleMsgGUID, Block: 1, GUID: guid, ReturnStatus: "2",
			ReturnTime: at, ReturnInfo: sampleInfo}
	}
	cases := map[string]func() ceb.Receipt{
		"CEB304": func() ceb.Receipt {
			r := base("CEB304", sampleMsgGUID, sampleReturnTime) // the sample's OrderReturn guid is the message guid
			r.EbpCode, r.EbcCode, r.OrderNo = sampleCode, sampleCode, "order2018050711340001"
			return r
		},
		"CEB404": func() ceb.Receipt {
			r := base("CEB404", sampleBlockGUID, sampleReturnTime)
			r.EbcCode, r.OrderNo, r.PayNo = sampleCode, "order2018050711340001", "P20180507001"
			return r
		},
		"CEB506": func() ceb.Receipt {
			r := base("CEB506", sampleBlockGUID, sampleReturnTime)
			r.LogisticsCode, r.LogisticsNo = sampleCode, "L2018050700001"
			return r
		},
		"CEB508": func() ceb.Receipt {
			r := base("CEB508", sampleBlockGUID, sampleReturnTime)
			r.OperatorCode, r.LogisticsCode, r.PreNo, r.CopNo = sampleCode, sampleCode, "P20180507000000001", "Cop20180507001"
			r.BillNo, r.MsgSeqNo = "B00024204001", 1
			return r
		},
		"CEB510": func() ceb.Receipt {
			r := base("CEB510", sampleBlockGUID, sampleReturnTime)
			r.LogisticsCode, r.CopNo, r.PreNo, r.MsgSeqNo = sampleCode, "CoP20180507000000001", "P20180507000000001", 1
			return r
		},
		"CEB604": func() ceb.Receipt {
			r := base("CEB604", sampleBlockGUID, sampleReturnTime)
			r.AgentCode, r.CopNo, r.PreNo, r.InvtNo = sampleCode, "Cop20180507001", "P20180507000000001", "Invt20180507000001"
			r.EbcCode, r.EbpCode, r.OrderNo, r.StatisticsFlag = sampleCode, sampleCode, sampleCode, "1"
			return r
		},
		"CEB606": func() ceb.Receipt {
			r := base("CEB606", sampleBlockGUID, sampleReturnTime)
			r.AgentCode, r.CopNo, r.PreNo, r.InvtNo = sampleCode, "Cop20180507001", "P20180507000000001", "Invt20180507000001"
			return r
		},
		"CEB608": func() ceb.Receipt {
			r := base("CEB608", sampleBlockGUID, sampleReturnTime)
			r.AgentCode, r.LogisticsCode, r.CopNo, r.PreNo = sampleCode, sampleCode, "Cop20180507001", "P20180507000000001"
			r.BillNo, r.MsgSeqNo = "B20180508001", 1
			return r
		},
		"CEB702": func() ceb.Receipt {
			r := base("CEB702", sampleSumGUID, sampleSummaryTime)
			r.AgentCode, r.EbcCode, r.CopNo, r.PreNo = sampleCode, sampleCode, "C201805080001", "P20180507000000001"
			r.SumNo, r.MsgSeqNo = "S20180507000000001", 1
			return r
		},
		"CEB792": func() ceb.Receipt {
			return ceb.Receipt{Message: "CEB792", MessageGUID: sampleMsgGUID, Block: 1, GUID: sampleSumGUID,
				ReturnTime: sampleSummaryTime, // opDate; no returnStatus in a summary result
				AgentCode:  sampleCode, EbcCode: sampleCode, SumNo: "S20180507000000001", MsgSeqNo: 1,
				CustomsCode: "1501", DeclSeqNo: "S20180508000000001", DecState: "A",
				GrossWeight: "12345678912345.12345", NetWeight: "12345678912345.12345",
				Lines: []ceb.SummaryResultList{ // the 2018 sample has no gseqno: 0
					{InvtNo: "Invt20180507000001", LogisticsNo: "L2018050700001", GNum: 1, GCode: "8541401000"},
					{InvtNo: "Invt20180507000001", LogisticsNo: "L2018050700001", GNum: 2, GCode: "8541401001"},
				}}
		},
	}
	for msg, want := range cases {
		t.Run(msg, func(t *testing.T) {
			rs, err := ceb.ParseReceipts(sample(t, msg+"Message.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 10 {
				t.Fatalf("got %d receipts, want the 10 blocks of the sample", len(rs))
			}
			for i, r := range rs {
				w := want()
				w.Block = i + 1
				if !reflect.DeepEqual(r, w) {
					t.Errorf("block %d:\n got %+v\nwant %+v", i+1, r, w)
				}
			}
			if rs[0].ReturnTime.Location() != ceb.China {
				t.Errorf("ReturnTime not in China time: %v", rs[0].ReturnTime.Location())
			}
			if msg == "CEB792" && !reflect.DeepEqual(rs[0].InvtNos(), []string{"Invt20180507000001"}) {
				t.Errorf("InvtNos = %v", rs[0].InvtNos())
			}
		})
	}
}

func TestOfficialSampleDeclarations(t *testing.T) {
	bt := ceb.BaseTransfer{CopCode: sampleCode, CopName: sampleName, DxpMode: "DXP", DxpID: "DXPLGS0000000001", Note: "test"}
	t.Run("CEB303", func(t *testing.T) {
		m, err := ceb.ParseCEB303(sample(t, "CEB303Message.xml"))
		if err != nil {
			t.Fatal(err)
		}
		if m.GUID != sampleMsgGUID || m.Version != "1.0" || len(m.Orders) != 10 {
			t.Fatalf("envelope: %s %s %d", m.GUID, m.Version, len(m.Orders))
		}
		want := ceb.Order{
			Head: ceb.OrderHead{GUID: "704ea0f1-b229-4e89-9f2f-c2e550e95c86", AppType: "1", AppTime: "20180507153001",
				AppStatus: "2", OrderType: "E", OrderNo: "order2018050711340001", EbpCode: sampleCode, EbpName: sampleName,
				EbcCode: sampleCode, EbcName: sampleName, GoodsValue: "12345678912345.12345", Freight: "0", Currency: "142", Note: "test"},
			Lists: []ceb.OrderList{{GNum: 1, ItemNo: "AF001-001", ItemName: "小米盒子", ItemDescribe: "小米盒子", BarCode: "2345123",
				Unit: "aaa", Currency: "aaa", Qty: "100", Price: "20", TotalPrice: "2000", Note: "test"}},
		}
		if !reflect.DeepEqual(m.Orders[0], want) {
			t.Errorf("order:\n got %+v\nwant %+v", m.Orders[0], want)
		}
		if m.BaseTransfer != bt {
			t.Errorf("BaseTransfer %+v", m.BaseTransfer)
		}
	})
	t.Run("CEB403", func(t *testing.T) {
		m, err := ceb.ParseCEB403(sample(t, "CEB403Message.xml"))
		if err != nil {
			t.Fatal(err)
		}
		want := ceb.Receipts{GUID: sampleBlockGUID, AppType: "1", AppTime: "20180507153001", AppStatus: "2",
			EbpCode: sampleCode, EbpName: sampleName, EbcCode: sampleCode, EbcName: sampleName, OrderNo: "order2018050711340001",
			PayCode: sampleCode, PayName: sampleName, PayNo: "P20180507001", Charge: "200.50", Currency: "142",
			AccountingDate: "20180507153001", Note: "test"}
		if len(m.Receipts) != 10 || m.Receipts[9] != want || m.BaseTransfer != bt {
			t.Errorf("got %d blocks, last %+v, BaseTransfer %+v", len(m.Receipts), m.Receipts[9], m.BaseTransfer)
		}
	})
	t.Run("CEB507", func(t *testing.T) {
		m, err := ceb.ParseCEB507(sample(t, "CEB507Message.xml"))
		if err != nil {
			t.Fatal(err)
		}
		want := ceb.Arrival{
			Head: ceb.ArrivalHead{GUID: sampleBlockGUID, AppType: "1", AppTime: "20180507153001", AppStatus: "2",
				CustomsCode: "1500", CopNo: "Cop20180507001", OperatorCode: sampleCode, OperatorName: sampleName,
				IEFlag: "E", TrafMode: "0", BillNo: "B00024204001", DomesticTrafNo: "test", LogisticsCode: sampleCode,
				LogisticsName: sampleName, MsgCount: 1, MsgSeqNo: 1, Note: "test"},
			Lists: []ceb.ArrivalList{{GNum: 1, LogisticsNo: "L2018050700001"}, {GNum: 2, LogisticsNo: "L2018050700002"},
				{GNum: 3, LogisticsNo: "L2018050700003"}},
		}
		if len(m.Arrivals) != 10 || !reflect.DeepEqual(m.Arrivals[0], want) || m.BaseTransfer != bt {
			t.Errorf("got %d blocks, first %+v", len(m.Arrivals), m.Arrivals[0])
		}
	})
	t.Run("CEB505", func(t *testing.T) {
		m, err := ceb.ParseCEB505(sample(t, "CEB505Message.xml"))
		if err != nil {
			t.Fatal(err)
		}
		want := ceb.Logistics{GUID: sampleBlockGUID, AppType: "1", AppTime: "20180507153001", AppStatus: "2",
			LogisticsCode: sampleCode, LogisticsName: sampleName, LogisticsNo: "L2018050700001", Freight: "20.50",
			InsuredFee: "30.50", Currency: "142", GrossWeight: "50.50", PackNo: 9, GoodsInfo: "包裹", EbcCode: sampleCode,
			EbcName: sampleName, EbcTelephone: "15088795220", Note: "test"}
		if len(m.Logistics) != 10 || m.Logistics[9] != want || m.BaseTransfer != bt {
			t.Errorf("got %d blocks, last %+v, BaseTransfer %+v", len(m.Logistics), m.Logistics[9], m.BaseTransfer)
		}
	})
	t.Run("CEB509", func(t *testing.T) {
		m, err := ceb.ParseCEB509(sample(t, "CEB509Message.xml"))
		if err != nil {
			t.Fatal(err)
		}
		want := ceb.Departure{
			Head: ceb.DepartureHead{GUID: sampleBlockGUID, AppType: "1", AppTime: "20180507153001", AppStatus: "2",
				CustomsCode: "1500", CopNo: "Cop20180507001", LogisticsCode: sampleCode, LogisticsName: sampleName,
				TrafMode: "0", VoyageNo: "航空", BillNo: "B00024204001", LeaveTime: "20180508092201", MsgCount: 1, MsgSeqNo: 1, Note: "test"},
			Lists: []ceb.DepartureList{{GNum: 1, TotalPackageNo: "1001", LogisticsNo: "L2018050700001", Note: "test"}},
		}
		if len(m.Departures) != 10 || !reflect.DeepEqual(m.Departures[0], want) || m.BaseTransfer != bt {
			t.Errorf("got %d blocks, first %+v", len(m.Departures), m.Departures[0])
		}
	})
	t.Run("CEB603", func(t *testing.T) {
		m, err := ceb.ParseCEB603(sample(t, "CEB603Message.xml"))
		if err != nil {
			t.Fatal(err) // the sample is signed: ds:Signature must be skipped
		}
		if len(m.Inventories) != 10 || m.BaseTransfer != bt {
			t.Fatalf("got %d inventories, BaseTransfer %+v", len(m.Inventories), m.BaseTransfer)
		}
		h := m.Inventories[0].Head
		want := ceb.InventoryHead{GUID: sampleBlockGUID, AppType: "1", AppTime: "20180507153001", AppStatus: "2",
			CustomsCode: "1500", EbpCode: sampleCode, EbpName: sampleName, OrderNo: "order2018050711340001",
			LogisticsCode: sampleCode, LogisticsName: sampleName, LogisticsNo: "L2018050700001", CopNo: "Cop20180507001",
			IEFlag: "a", PortCode: "1501", IEDate: "20180508", StatisticsFlag: "A", AgentCode: sampleCode, AgentName: sampleName,
			EbcCode: sampleCode, EbcName: sampleName, OwnerCode: sampleCode, OwnerName: sampleName, TradeMode: "0101",
			TrafMode: "0", Country: "001", POD: "002", Freight: "50.36", FCurrency: "142", FFlag: "3", InsuredFee: "52.32",
			ICurrency: "142", IFlag: "3", WrapType: "1", PackNo: 9, GrossWeight: "80.25", NetWeight: "70.25", Note: "test"}
		if h != want {
			t.Errorf("head:\n got %+v\nwant %+v", h, want)
		}
		if m.Inventories[1].Head.AppStatus != "1" {
			t.Errorf("second inventory appStatus %q, want 1", m.Inventories[1].Head.AppStatus)
		}
		l := ceb.InventoryList{GNum: 1, ItemNo: "AF001-001", ItemRecordNo: "1210", ItemName: "小米盒子", GCode: "8541401000",
			GName: "小米盒子", GModel: "44mm", BarCode: "2345123", Country: "116", Currency: "142", Qty: "100", Qty1: "200",
			Qty2: "300", Unit: "007", Unit1: "007", Unit2: "007", Price: "20", TotalPrice: "200", Note: "test"}
		if len(m.Inventories[0].Lists) != 1 || m.Inventories[0].Lists[0] != l {
			t.Errorf("list: %+v", m.Inventories[0].Lists)
		}
		// The sample's data is illustrative: Validate flags what the service would never send.
		err = ceb.Validate(m)
		if err == nil || !strings.Contains(err.Error(), "ieFlag: must be one of E") || !strings.Contains(err.Error(), "must be upper case") {
			t.Errorf("Validate(sample 603) = %v", err)
		}
	})
	t.Run("CEB605", func(t *testing.T) {
		m, err := ceb.ParseCEB605(sample(t, "CEB605Message.xml"))
		if err != nil {
			t.Fatal(err)
		}
		want := ceb.InvtCancel{GUID: sampleBlockGUID, AppType: "1", AppTime: "20180507153001", AppStatus: "2", CustomsCode: "1500",
			CopNo: "Cop20180507001", InvtNo: "Invt20180507000001", Reason: "撤单原因", AgentCode: sampleCode, AgentName: sampleName,
			EbcCode: sampleCode, EbcName: sampleName, Note: "test"}
		if len(m.InvtCancels) != 10 || m.InvtCancels[0] != want || m.BaseTransfer != bt {
			t.Errorf("got %d, first %+v", len(m.InvtCancels), m.InvtCancels[0])
		}
	})
	t.Run("CEB701", func(t *testing.T) {
		m, err := ceb.ParseCEB701(sample(t, "CEB701Message.xml"))
		if err != nil {
			t.Fatal(err)
		}
		want := ceb.SummaryApply{
			Head: ceb.SummaryApplyHead{GUID: sampleSumGUID, AppType: "1", AppTime: "20180508101112", AppStatus: "2",
				CustomsCode: "1501", CopNo: "C201805080001", AgentCode: sampleCode, AgentName: sampleName, EbcCode: sampleCode,
				EbcName: sampleName, DeclAgentCode: sampleCode, DeclAgentName: sampleName, SummaryFlag: "1", ItemNameFlag: "1",
				MsgCount: 1, MsgSeqNo: 1},
			Lists: []ceb.SummaryApplyList{{InvtNo: "Invt20180507000001"}, {InvtNo: "Invt20180507000002"}},
		}
		if len(m.SummaryApplies) != 10 || !reflect.DeepEqual(m.SummaryApplies[0], want) || m.BaseTransfer.DxpID != "DXPENTCEB70101" {
			t.Errorf("got %d, first %+v", len(m.SummaryApplies), m.SummaryApplies[0])
		}
	})
}

// TestSamplesAgainstSchemas records which official 2018 samples pass each schema: all of them
// pass the 2018 schema and all but CEB792 pass 2022-05 (which added the mandatory gseqno).
func TestSamplesAgainstSchemas(t *testing.T) {
	t.Parallel() // xmllint runs as a process of its own
	files, err := filepath.Glob(filepath.Join(official, "samples-2018-export", "*.xml"))
	if err != nil || len(files) != 19 {
		t.Fatalf("want the 19 official samples, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if out, ok := xmllint(t, schema2018(t), f); !ok {
			t.Errorf("%s fails the 2018 schema:\n%s", name, out)
		}
		out, ok := xmllint(t, schema2022(t), f)
		switch {
		case name == "CEB792Message.xml" && ok:
			t.Errorf("CEB792 sample passes 2022-05; expected the missing gseqno to fail it")
		case name == "CEB792Message.xml" && !strings.Contains(out, "gseqno"):
			t.Errorf("CEB792 sample fails 2022-05 for another reason:\n%s", out)
		case name != "CEB792Message.xml" && !ok:
			t.Errorf("%s fails the 2022-05 schema:\n%s", name, out)
		}
	}
}

// TestSampleReceiptsRemarshalValid: every official receipt, read and written again by the codec,
// validates against 2022-05 — including CEB792, which gains gseqno.
func TestSampleReceiptsRemarshalValid(t *testing.T) {
	t.Parallel() // xmllint runs as a process of its own
	for _, msg := range []string{"CEB304", "CEB404", "CEB506", "CEB508", "CEB510", "CEB604", "CEB606", "CEB608", "CEB702", "CEB792"} {
		t.Run(msg, func(t *testing.T) {
			data := sample(t, msg+"Message.xml")
			m, err := ceb.ParseReceiptMessage(data)
			if err != nil {
				t.Fatal(err)
			}
			out, err := ceb.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			validateBytes(t, schema2022(t), out)
			again, err := ceb.ParseReceipts(out)
			if err != nil {
				t.Fatal(err)
			}
			first, _ := ceb.ParseReceipts(data)
			if !reflect.DeepEqual(again, first) {
				t.Errorf("receipts changed after a round trip")
			}
		})
	}
}

// TestSampleCoverage checks that every sample file is covered by a test above.
func TestSampleCoverage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(official, "samples-2018-export", "*.xml"))
	if err != nil || len(files) != 19 {
		t.Fatalf("want the 19 official samples, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		_, err = ceb.ParseMessage(data)
		switch name {
		case "CEB607Message.xml": // not modelled: the service does not send it
			var pe *ceb.ParseError
			if !asParseError(err, &pe) || pe.Element != strings.TrimSuffix(name, ".xml") {
				t.Errorf("%s: want an unknown-root ParseError, got %v", name, err)
			}
		default:
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}
