package app

import (
	"context"
	"math/big"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
)

// generatedWrapType is the packaging code of a generated declaration: 22, cartons (纸制或纤维板制
// 盒/箱), as e-commerce parcels travel [U: the summary carries no packaging of its own].
const generatedWrapType = "22"

// generatedTransMode is its terms of sale: 3, FOB — the lists declare goods values without
// freight or insurance [U].
const generatedTransMode = "3"

// generatedEntryID derives the id of a summary's generated declaration from the summary's, so
// that asking twice finds the first.
func generatedEntryID(summaryID string) string { return "gen_" + strings.TrimPrefix(summaryID, "sum_") }

// CreateGeneratedEntry drafts the declaration customs generated from a summary (its first CEB792
// gave it a temporary number, decTmpNo), for the summary's filer — the broker — to look at,
// declare (SubmitDeclaration: the DEC names decTmpNo as SeqNo) and print for the export tax
// refund. Its content is the summary's lists merged by the summary rules: one line per 10-digit
// HS code, unit, country of origin and currency, quantities and values added up; weights and
// packages are the lists' totals. One read per list. Asking again answers the draft made before.
func (c *Customs) CreateGeneratedEntry(ctx context.Context, actor Actor, summaryID string) (*customs.Declaration, bool, error) {
	if err := requireFiler(actor); err != nil {
		return nil, false, err
	}
	sum, err := c.GetDeclaration(ctx, actor, summaryID)
	if err != nil {
		return nil, false, err
	}
	s, ok := sum.Summary()
	if !ok {
		return nil, false, domain.Errorf(domain.KindFailedPrecondition, "wrong_kind", "only a summary has a generated declaration")
	}
	if sum.FilerID() != actor.OrgID {
		return nil, false, forbidden("filer_only", "the summary's filer declares the declaration customs generated from it")
	}
	id := generatedEntryID(sum.ID())
	if d, err := c.declarations.Get(ctx, id); err == nil {
		return d, false, nil
	} else if !isNotFound(err) {
		return nil, false, err
	}
	draft := customs.EntryDraft{
		CustomMaster: s.CustomsCode, IEPort: s.PortCode, TradeMode: s.TradeMode, TrafMode: customs.TrafModeRailway,
		TradeCode: s.EbcCode, TradeName: s.EbcName, AgentCode: s.DeclAgentCode, AgentName: s.DeclAgentName,
		TradeCountry: s.Country, TransMode: generatedTransMode, PackNo: int64(len(s.Lists)), WrapType: generatedWrapType,
		Note: "汇总申报 " + sum.SumNo() + " generated from summary " + sum.ID(),
	}
	type key struct{ hs, unit, origin, currency string }
	index := map[key]int{}
	var totals []code.Decimal
	for _, item := range s.Lists {
		list, err := c.declarations.Get(ctx, item.DeclarationID)
		if err != nil {
			return nil, false, err
		}
		inv, ok := list.Inventory()
		if !ok {
			continue
		}
		p := inv.Parcel
		// The legal quantities the list was filed with (its qty1/unit1, qty2/unit2).
		legal, err := inv.LegalQuantities()
		if err != nil {
			return nil, false, err
		}
		draft.GrossWet, draft.NetWt = draft.GrossWet.Add(p.GrossWeightKg), draft.NetWt.Add(p.NetWeightKg)
		for j, it := range p.Items {
			k := key{it.Gcode, it.Unit, it.OriginCountry, p.Currency}
			i, seen := index[k]
			if !seen {
				i = len(draft.Lines)
				index[k] = i
				draft.Lines = append(draft.Lines, customs.EntryLineDraft{CodeTS: it.Gcode, GName: it.Gname, GModel: it.Gmodel,
					GUnit: it.Unit, FirstUnit: legal[j].Unit1, SecondUnit: legal[j].Unit2, TradeCurr: p.Currency,
					OriginCountry: it.OriginCountry, DestinationCountry: s.Country})
				totals = append(totals, code.Decimal{})
			}
			l := &draft.Lines[i]
			l.GQty, l.FirstQty = l.GQty.Add(it.Qty), l.FirstQty.Add(legal[j].Qty1)
			if legal[j].Unit2 != "" {
				second := legal[j].Qty2
				if l.SecondQty != nil {
					second = second.Add(*l.SecondQty)
				}
				l.SecondQty = &second
			}
			totals[i] = totals[i].Add(it.TotalPrice)
		}
	}
	for i := range draft.Lines {
		l := &draft.Lines[i]
		total := totals[i]
		price := unitPrice(total, l.GQty)
		l.DeclPrice = &price
		// The lists' total, unless the price's four decimals cannot carry it within a cent
		// over a large quantity: then declTotal is price × quantity, as customs computes it.
		if diff, err := price.CheckedMul(l.GQty); err == nil && diff.Sub(total).Abs().Cmp(code.MustDecimal("0.01")) <= 0 {
			l.DeclTotal = &total
		}
	}
	d, err := customs.NewGeneratedEntry(id, actor.OrgID, sum, draft, c.clock.Now(), actor.OrgID)
	if err != nil {
		return nil, false, err
	}
	if err := c.declarations.Create(ctx, d); err != nil {
		if domain.KindOf(err) == domain.KindConflict {
			d, err = c.declarations.Get(ctx, id)
			return d, false, err
		}
		return nil, false, err
	}
	c.relay.now(ctx, written("declaration", d)...)
	return d, true, nil
}

// unitPrice is total ÷ qty to four decimals (a Decimal's precision), rounded half up.
func unitPrice(total, qty code.Decimal) code.Decimal {
	t, _ := new(big.Rat).SetString(total.String())
	q, _ := new(big.Rat).SetString(qty.String())
	if t == nil || q == nil || q.Sign() == 0 {
		return code.Decimal{}
	}
	p, err := code.ParseDecimal(new(big.Rat).Quo(t, q).FloatString(4))
	if err != nil {
		return code.Decimal{}
	}
	return p
}

// EntryDeclarationPDF prints an entry declaration the caller may see — a declaration customs
// generated from a summary, or one drafted in full — as a PDF (报关单), for the exporter's export
// tax refund once customs cleared it. Another kind is FailedPrecondition wrong_kind.
func (c *Customs) EntryDeclarationPDF(ctx context.Context, actor Actor, id string) ([]byte, error) {
	d, err := c.GetDeclaration(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if d.Kind() != customs.KindEntry {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "wrong_kind", "only an entry declaration (报关单) prints as a PDF")
	}
	if c.printer == nil {
		return nil, domain.Internal(nil, "no declaration printer is configured")
	}
	return c.printer.Render(ctx, d)
}
