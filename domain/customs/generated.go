package customs

import (
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// GeneratedTradeModes are the trade modes of the declarations customs generates from summaries:
// the lists' own.
var GeneratedTradeModes = []string{"9610", "1210"}

// NewGeneratedEntry makes the draft of the declaration customs generated from summary (汇总生成
// 的报关单), staged at E-Port under the summary's decTmpNo: the broker (the summary's filer)
// declares it as it is — filed, it names the temporary number as SeqNo — and the exporter needs
// it, cleared, for the export tax refund (退税). The draft is the summary's lists merged by the
// summary rules (the app builds it); it is checked like any entry declaration, with the lists'
// trade mode. FailedPrecondition not_generated until customs has generated it (the first
// CEB792); wrong_kind for anything but a summary.
func NewGeneratedEntry(id, filerID string, summary *Declaration, draft EntryDraft, at time.Time, actor string) (*Declaration, error) {
	if summary == nil || summary.kind != KindSummary {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "wrong_kind", "only a summary has a generated declaration")
	}
	if summary.decTmpNo == "" || summary.status.Final() && summary.status != StatusCleared {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "not_generated",
			"customs has not generated a declaration from summary %s (no CEB792 with a decTmpNo yet)", summary.id)
	}
	e, err := validateEntry(draft, GeneratedTradeModes)
	if err != nil {
		return nil, err
	}
	e.SeqNo, e.SummaryID = summary.decTmpNo, summary.id
	d, err := newDeclaration(id, KindEntry, e.TradeMode, strings.TrimSpace(filerID), summary.exporterID, at)
	if err != nil {
		return nil, err
	}
	d.entry = &e
	d.addEvent(at, actor, EventCreated, "declaration generated from summary "+summary.id+" (decTmpNo "+e.SeqNo+")",
		map[string]any{"summaryId": summary.id, "decTmpNo": e.SeqNo})
	return d, nil
}

// Generated reports whether an entry declaration is the one customs generated from a summary.
func (d *Declaration) Generated() bool { return d.entry != nil && d.entry.SummaryID != "" }
