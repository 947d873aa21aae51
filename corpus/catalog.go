package corpus

import "slices"

// catalogEntry is what the corpus knows about a document before any text is
// imported: its metadata, the languages it comes in and how many articles
// the official text has.
type catalogEntry struct {
	Document
	Langs    []Lang
	Official map[Lang]bool
	Articles int // article count of the text as known, for a sanity warning
}

// catalog is the constant table of known documents, the one in force first.
func catalog() []catalogEntry {
	return []catalogEntry{
		{
			Document: Document{
				ID: "kz2026",
				Title: map[Lang]string{
					RU: "Конституция Республики Казахстан (2026)",
					KK: "Қазақстан Республикасының Конституциясы (2026)",
					EN: "Constitution of the Republic of Kazakhstan (2026)",
				},
				Dates: Dates{Published: "2026-02-12", Adopted: "2026-03-15", InForce: "2026-07-01"},
			},
			Langs:    []Lang{RU, KK},
			Official: map[Lang]bool{RU: true, KK: true},
			Articles: 96,
		},
		{
			Document: Document{
				ID: "kz1995",
				Title: map[Lang]string{
					RU: "Конституция Республики Казахстан 1995 года",
					KK: "Қазақстан Республикасының 1995 жылғы Конституциясы",
					EN: "Constitution of the Republic of Kazakhstan (1995)",
				},
				Dates: Dates{Adopted: "1995-08-30", LastAmended: "2022-09-17", Ceases: "2026-07-01"},
			},
			Langs:    []Lang{RU, KK, EN},
			Official: map[Lang]bool{RU: true, KK: true, EN: false},
			Articles: 102,
		},
	}
}

// Catalog returns the metadata of the known documents (kz2026, kz1995):
// ids, titles and dates, without texts.
func Catalog() []Document {
	var out []Document
	for _, e := range catalog() {
		out = append(out, e.Document)
	}
	return out
}

// entry finds a catalog entry by document id.
func entry(id string) (catalogEntry, bool) {
	i := slices.IndexFunc(catalog(), func(e catalogEntry) bool { return e.ID == id })
	if i < 0 {
		return catalogEntry{}, false
	}
	return catalog()[i], true
}

// docIDs lists the known document ids, for messages.
func docIDs() []string {
	var ids []string
	for _, e := range catalog() {
		ids = append(ids, e.ID)
	}
	return ids
}

// docOrder sorts documents the way they are served: catalog order (the
// one in force first), unknown ids last.
func docOrder(id string) int {
	i := slices.IndexFunc(catalog(), func(e catalogEntry) bool { return e.ID == id })
	if i < 0 {
		return len(catalog())
	}
	return i
}
