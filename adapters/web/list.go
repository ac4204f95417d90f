package web

import (
	"net/url"
)

// pager is the paging of a list page: the link to the next page (empty on the last), to the
// first (empty on the first) and how many rows this one shows. Lists read one page of pageSize
// rows per request with the use case's cursor, never more.
type pager struct {
	Next, First string
	Count       int
}

// cursor is the page asked for (the use case checks it).
func (r *req) cursor() string { return r.c.Query("cursor") }

// pageOf builds the links of a list page from the current path and query, the use case's next
// cursor and the rows shown.
func (r *req) pageOf(next string, count int) pager {
	q, _ := url.ParseQuery(string(r.c.Request().URI().QueryString()))
	p := pager{Count: count}
	link := func(cursor string) string {
		q.Del("cursor")
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		if enc := q.Encode(); enc != "" {
			return r.c.Path() + "?" + enc
		}
		return r.c.Path()
	}
	if q.Get("cursor") != "" {
		p.First = link("")
	}
	if next != "" {
		p.Next = link(next)
	}
	return p
}
