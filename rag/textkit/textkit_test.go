package textkit

import (
	"slices"
	"testing"
)

func TestFoldMeetsAcrossScripts(t *testing.T) {
	tests := []struct{ cyrillic, latin string }{
		{"мемлекеттік", "memlekettık"},   // 2021 alphabet: і → ı
		{"жаңа", "jaña"},                 // ң → ñ
		{"қашан", "qaşan"},               // қ → q, ш → ş
		{"күшіне", "küşıne"},             // ү → ü
		{"әскери", "äskeri"},             // ә → ä
		{"жоғары", "joğary"},             // ғ → ğ, ы → y
		{"сайлауға", "saylauga"},         // informal: й → y, no diacritics
		{"цензура", "cenzura"},           // informal c for ц
		{"шешім", "sheshim"},             // informal sh
		{"жеке", "zheke"},                // informal zh
		{"конституция", "konstitutsiia"}, // я → ia
		{"рұқсатсыз", "ruqsatsyz"},       // ұ → u
		{"өлім", "ölım"},                 // ө → ö
		{"запрещена", "запрешена"},       // щ and ш meet: a common Russian misspelling
		{"мiндеттi", "міндетті"},         // Latin look-alike i inside a Cyrillic word
	}
	for _, tt := range tests {
		if a, b := Fold(tt.cyrillic), Fold(tt.latin); a != b {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want equal", tt.cyrillic, a, tt.latin, b)
		}
	}
}

func TestStemKazakh(t *testing.T) {
	tests := []struct{ words []string }{
		{[]string{"бостандық", "бостандықтарын", "бостандығы"}},
		{[]string{"парламент", "парламентінің", "парламентке"}},
		{[]string{"сот", "соттың", "сотқа", "сотта"}},
		{[]string{"құқық", "құқығы", "құқықтары"}},
		{[]string{"Қазақстан", "Қазақстанда", "Qazaqstanda", "Қазақстанның", "қазақстандық"}},
		{[]string{"сайлау", "сайлауға", "saylauga"}},
		{[]string{"тыйым", "tyiym"}},
		{[]string{"президент", "президенттік", "Президенттігіне"}},
		{[]string{"мемлекет", "мемлекеттік", "мемлекеттің"}},
		// Verbs: tense, participles and negation go, the passive stays.
		{[]string{"сайлану", "сайланады", "сайланбайды", "сайланған", "сайланатын", "сайлануға", "saılanady"}},
		{[]string{"сайлау", "сайлайды", "сайламайды", "сайлаған"}},
		{[]string{"шығу", "шығады", "шыққан", "шықпайды"}},
		{[]string{"беру", "береді", "берген", "бермейді"}},
		{[]string{"Құрылтай", "Құрылтайды", "Құрылтайдың"}},
		// Short roots with the possessive -ы/-і; б/п, ғ/қ alternate before vowels.
		{[]string{"күш", "күші", "күшіне", "күшке", "küşı"}},
		{[]string{"жер", "жері", "жерге", "жерінде"}},
		{[]string{"заң", "заңы", "заңға"}},
		{[]string{"кітап", "кітабы"}},
		{[]string{"тарақ", "тарағы"}},
		{[]string{"үй", "үйі"}}, // a vowel before the -і: it is the root's
	}
	for _, tt := range tests {
		want := Term(lower(tt.words[0]), Kazakh)
		for _, w := range tt.words[1:] {
			if got := Term(lower(w), Kazakh); got != want {
				t.Errorf("Term(%q) = %q, want %q (the key of %q)", w, got, want, tt.words[0])
			}
		}
	}
	// A naive stripper cuts these to nothing.
	for _, w := range []string{"бостандықтарын", "парламентінің", "бостандық"} {
		if got := StemKazakh(Fold(w)); len(got) < 8 {
			t.Errorf("StemKazakh(%q) = %q: cut too far", w, got)
		}
	}
}

func TestTermRussian(t *testing.T) {
	tests := []struct{ a, b string }{
		{"гражданин", "гражданина"},
		{"депутатом", "депутаты"},
		{"запрещается", "запрещаются"},
		{"курултай", "курултая"}, // Snowball reads the second as an adjective
		{"курултае", "курултаем"},
		{"аким", "акима"}, // not "ак": a loanword, not an adjective
	}
	for _, tt := range tests {
		if a, b := Term(tt.a, Russian), Term(tt.b, Russian); a != b {
			t.Errorf("Term(%q) = %q, Term(%q) = %q; want equal", tt.a, a, tt.b, b)
		}
	}
	for _, w := range []string{"и", "что", "ли", "вообще"} {
		if got := Term(w, Russian); got != "" {
			t.Errorf("Term(%q) = %q, want a stop word", w, got)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		text  string
		lang  Lang
		latin bool
	}{
		{"Какой язык является государственным?", Russian, false},
		{"Қазақстанда дін мемлекеттен бөлінген бе?", Kazakh, false},
		{"салык толемесем болама? салык толеу мндетты ма?", Kazakh, false}, // Kazakh typed on a Russian keyboard
		{"Qazaqstanda ölım jazasy qoldanyla ma?", Kazakh, true},
		{"turmede otyrgan adam saylauga qatysa ala ma?", Kazakh, true},
		{"Что такое Қазақстан Халық Кеңесі и какие у него полномочия?", Russian, false}, // Russian with a Kazakh name
		{"мне 17, я уже могу голосовать за президента?", Russian, false},
		{"Құрылтай деген не?", Kazakh, false}, // "не" is Kazakh "what" too
		{"Не знаю, что такое Курултай", Russian, false},
	}
	for _, tt := range tests {
		d := Detect(tt.text)
		if d.Lang != tt.lang || d.Latin != tt.latin {
			t.Errorf("Detect(%q) = %+v, want %s latin=%v", tt.text, d, tt.lang, tt.latin)
		}
	}
	// Kazakh typed without Kazakh letters or function words looks Russian,
	// but unmarked; a Russian question with Russian function words does not.
	for text, unmarked := range map[string]bool{
		"курылтай сессиясы кай айда ашылады":                  true,
		"может ли полиция просто так вломиться ко мне домой?": false,
	} {
		if d := Detect(text); d.Lang != Russian || d.Unmarked != unmarked {
			t.Errorf("Detect(%q) = %+v, want Russian, unmarked %v", text, d, unmarked)
		}
	}
}

func TestParseRefs(t *testing.T) {
	tests := []struct {
		text string
		want []Ref
	}{
		{"Что говорится в статье 26?", []Ref{{Article: "26"}}},
		{"Статья 5, пункт 5: что значит?", []Ref{{Article: "5", Point: "5"}}},
		{"ст. 15 п. 6 — это вообще про что?", []Ref{{Article: "15", Point: "6"}}},
		{"ст.9 п.2", []Ref{{Article: "9", Point: "2"}}},
		{"пункт 2 статьи 9", []Ref{{Article: "9", Point: "2"}}},
		{"12-бапта айтылған «қажетті қорғаныс» деген не?", []Ref{{Article: "12"}}},
		{"31-баптың 1-тармағы не туралы?", []Ref{{Article: "31", Point: "1"}}},
		{"9-бап 2-тармақ", []Ref{{Article: "9", Point: "2"}}},
		{"What does article 9 say?", []Ref{{Article: "9"}}},
		{"Art. 17(2)", []Ref{{Article: "17", Point: "2"}}},
		{"статья 83-1 Конституции 1995 года", []Ref{{Article: "83-1", Year: "1995"}}},
		{"сравни статью 17 и статью 18", []Ref{{Article: "17"}, {Article: "18"}}},
		{"мне 17, я уже могу голосовать?", nil},
		{"скока лет нада штобы стать депутатом", nil},
		{"Бұрын 72 сағатқа дейін ұстауға болатын", nil},
	}
	for _, tt := range tests {
		if got := ParseRefs(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("ParseRefs(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

func lower(s string) string {
	ws := Words(s)
	if len(ws) != 1 {
		panic("one word expected: " + s)
	}
	return ws[0]
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		text string
		lang Lang
		want []string
	}{
		{"Курултай состоит из ста сорока пяти депутатов", Russian, []string{"145"}},
		{"достигшее двадцати пяти лет, проживающее последние десять лет", Russian, []string{"25", "10"}},
		{"не моложе сорока лет, опыт не менее пяти лет", Russian, []string{"40", "5"}},
		{"двести тысяч подписей", Russian, []string{"200000"}},
		{"Құрылтай жүз қырық бес депутаттан тұрады", Kazakh, []string{"145"}},
		{"жиырма бес жасқа толған", Kazakh, []string{"25"}},
		{"jiyrma bes jasqa tolgan", Kazakh, []string{"25"}},
		{"екі жүз", Kazakh, []string{"200"}},
		{"он он", Kazakh, []string{"10", "10"}},
		{"он сказал, что одно и то же лицо", Russian, nil}, // Russian "он" is "he"; "одно" is no quantity
		{"мне 17 лет", Russian, nil},
	}
	for _, tt := range tests {
		if got := Numbers(tt.text, tt.lang); !slices.Equal(got, tt.want) {
			t.Errorf("Numbers(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestQuantities(t *testing.T) {
	tests := []struct {
		text string
		lang Lang
		want []Quantity
	}{
		{"из ста сорока пяти депутатов", Russian, []Quantity{{"145", Term("депутатов", Russian)}}},
		{"сроком на семь лет.", Russian, []Quantity{{"7", Term("лет", Russian)}}},
		{"жеті жылға сайланады", Kazakh, []Quantity{{"7", Term("жылға", Kazakh)}}},
		{"срок – пять", Russian, []Quantity{{"5", ""}}},
	}
	for _, tt := range tests {
		if got := Quantities(tt.text, tt.lang); !slices.Equal(got, tt.want) {
			t.Errorf("Quantities(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

func TestTermsDropConverbBeforeAbility(t *testing.T) {
	tests := []struct{ can, bare string }{
		{"Президент Құрылтайды тарата алады", "Құрылтайды тарату"},
		{"Prezident Qūryltaidy tarata almaidy", "Құрылтайды таратуға"},
		{"сайлауға қатыса ала ма", "сайлауға қатысу"},
	}
	for _, tt := range tests {
		can, bare := Terms(tt.can, Kazakh), Terms(tt.bare, Kazakh)
		if !slices.Contains(can, bare[len(bare)-1]) {
			t.Errorf("Terms(%q) = %v, want the key of %q among them (%v)", tt.can, can, tt.bare, bare)
		}
	}
}
