import { describe, expect, it } from "vitest";
import { createI18n, LOCALES } from "../../../src/messages/i18n.js";
import {
  PRECHECK_CODES,
  compilePrecheckRules,
  getPrecheckRules,
  precheckLetter,
  quoteMatches,
  type PrecheckCode,
} from "../../../src/domain/precheck/index.js";
import { normalizeForScan } from "../../../src/domain/precheck/normalize.js";
import rawRules from "../../../src/domain/precheck/rules.json" with { type: "json" };

/*
 * Decisions on tricky cases. The censor is arbitrary and the pre-check only warns (the writer may
 * send anyway), so it leans towards warning where a censor would hesitate too:
 * - Titles pass: "Война и мир", "Звёздные войны", "На Западном фронте без перемен", Star Wars; so do
 *   the Great Patriotic and the two World Wars. Other words about war, the army or the military
 *   are flagged even when historical ("военный врач"): the censor cannot tell either.
 * - Court words are flagged whoever's case it is ("суд по поводу развода"): in a letter to a
 *   prisoner they read as their case. Words with everyday meanings only count in telling phrases:
 *   "статья" with a number, "срок" with "твой"/"получил", "дело" with "твоё"/"ваше", "адвокат" and
 *   "lawyer" with "твой"/"your" (so "I am a lawyer" passes), "trial" not in "free trial".
 * - "Путин" is flagged on its own (politics); the Kremlin only in political phrases, as people visit
 *   it; "режим" only as a political regime ("кровавый режим"), never "режим дня".
 * - Swearing stems match from the start of a word, with a fixed list of prefixes, so "употреблять",
 *   "ребята", "корабль", "оскорблять", "себя", "страхует" pass; "сука" is flagged even about a dog.
 * - Up to two Latin words in a Russian letter pass (a band, a brand); three or more are "foreign
 *   words" (codes). A letter more than 40% in another script gets "not-russian" instead.
 * - A letter typed in capitals is not checked for abbreviations.
 */

/** [sentence, code it must get, a fragment that must be quoted (as typed)] */
type Flagged = readonly [string, PrecheckCode, string];

const MUST_FLAG: readonly Flagged[] = [
  // --- war and the military
  ["Как ты относишься к войне?", "war", "войне"],
  ["Все только и говорят, что война скоро кончится.", "war", "война"],
  ["Моего соседа забрали по мобилизации.", "war", "мобилизации"],
  ["Брат служит в армии уже год.", "war", "армии"],
  ["Говорят, на фронте опять тяжело.", "war", "фронте"],
  ["В новостях опять про СВО.", "war", "СВО"],
  ["Эта спецоперация затянулась.", "war", "спецоперация"],
  ["Военные стоят на каждом углу.", "war", "Военные"],
  ["ВСУ отступили от города.", "war", "ВСУ"],
  ["Солдаты вернулись домой.", "war", "Солдаты"],
  ["Повестку из военкомата принесли прямо на работу.", "war", "военкомата"],
  ["Ночью был обстрел.", "war", "обстрел"],
  ["Я против этой вoйны.", "war", "вoйны"],
  // quotes drop invisible characters, so the writer sees the word plainly
  ["Все устали от в\u200bойны.", "war", "войны"],
  ["Everyone is tired of the war.", "war", "war"],
  ["My cousin was mobilized last autumn.", "war", "mobilized"],
  ["The army keeps recruiting.", "war", "army"],
  ["Soldiers were seen near the border.", "war", "Soldiers"],
  ["The invasion changed everything.", "war", "invasion"],
  ["There was more shelling this week.", "war", "shelling"],
  // --- the prisoner's case
  ["Когда у тебя следующий суд?", "case", "суд"],
  ["Судья даже не слушал защиту.", "case", "Судья"],
  ["Я читала про твой приговор.", "case", "приговор"],
  ["Надеюсь, твой адвокат хороший.", "case", "твой адвокат"],
  ["Апелляцию уже подали?", "case", "Апелляцию"],
  ["Тебя обвиняют ни за что.", "case", "обвиняют"],
  ["Следователь врал с самого начала.", "case", "Следователь"],
  ["Как идёт твоё дело?", "case", "твоё дело"],
  ["Тебя судят по статье 207.3, это ужасно.", "case", "статье 207"],
  ["Тебе дали семь лет — это твой срок за слова.", "case", "твой срок"],
  ["Уголовное дело возбудили в марте.", "case", "Уголовное"],
  ["Я знаю, что ты политзаключённый.", "case", "политзаключённый"],
  ["When is your next court hearing?", "case", "court hearing"],
  ["I read about your trial.", "case", "your trial"],
  ["The judge was so unfair.", "case", "The judge"],
  ["I hope your lawyer can help.", "case", "your lawyer"],
  ["You were sentenced for nothing.", "case", "sentenced"],
  ["The prosecutor lied.", "case", "prosecutor"],
  ["How is your case going?", "case", "your case"],
  // --- LGBTQ+
  ["Моя сестра — лесбиянка.", "lgbt", "лесбиянка"],
  ["У меня много друзей-геев.", "lgbt", "геев"],
  ["Я работаю в ЛГБТ-организации.", "lgbt", "ЛГБТ"],
  ["Мой друг трансгендер.", "lgbt", "трансгендер"],
  ["Я ходила на квир-фестиваль.", "lgbt", "квир"],
  ["Однополые браки — это нормально.", "lgbt", "Однополые"],
  ["My brother is gay.", "lgbt", "gay"],
  ["I am a lesbian and proud of it.", "lgbt", "lesbian"],
  ["We went to a queer film festival.", "lgbt", "queer"],
  ["She is transgender.", "lgbt", "transgender"],
  ["Same-sex marriage is legal here.", "lgbt", "Same-sex"],
  // --- the authorities
  ["Путин никогда не уйдёт сам.", "authorities", "Путин"],
  ["Этот кровавый режим скоро рухнет.", "authorities", "кровавый режим"],
  ["Долой царя!", "authorities", "Долой"],
  ["Надо свергнуть эту власть.", "authorities", "свергнуть"],
  ["Диктатор боится собственного народа.", "authorities", "Диктатор"],
  ["Менты повсюду.", "authorities", "Менты"],
  ["Putin is a war criminal.", "authorities", "Putin"],
  ["The regime is afraid of you.", "authorities", "The regime"],
  ["Down with the tsar!", "authorities", "Down with"],
  ["People should overthrow the dictator.", "authorities", "overthrow"],
  // --- swearing
  ["Это просто пиздец какой-то.", "swearing", "пиздец"],
  ["Да мне похуй на погоду.", "swearing", "похуй"],
  ["Ну ёб твою мать, опять дождь.", "swearing", "ёб"],
  ["Меня всё заебало.", "swearing", "заебало"],
  ["Бля, я опять опоздала на поезд.", "swearing", "Бля"],
  ["Сосед — сука, опять музыку включил.", "swearing", "сука"],
  ["Какой же он мудак.", "swearing", "мудак"],
  ["Полная херня этот фильм.", "swearing", "херня"],
  ["Какая х*йня творится.", "swearing", "х*йня"],
  ["6ля, снова снег.", "swearing", "6ля"],
  ["This weather is fucking awful.", "swearing", "fucking"],
  ["What a shit day.", "swearing", "shit"],
  ["My boss is such an asshole.", "swearing", "asshole"],
  ["F*ck this rain.", "swearing", "F*ck"],
  ["Fuuuuck, I missed the bus.", "swearing", "Fuuuuck"],
  // --- contacts
  ["Мой номер +7 (999) 123-45-67, звони.", "phone", "+7 (999) 123-45-67"],
  ["Позвони маме: 8 912 345 67 89.", "phone", "8 912 345 67 89"],
  ["Телефон 89991234567.", "phone", "89991234567"],
  ["Домашний: 123-45-67.", "phone", "123-45-67"],
  ["Call me at +44 20 7946 0958.", "phone", "+44 20 7946 0958"],
  ["My number is +1 (212) 555-1234.", "phone", "+1 (212) 555-1234"],
  ["Посмотри https://example.com/news когда выйдешь.", "link", "https://example.com/news"],
  ["Зайди на www.ovdinfo.org.", "link", "www.ovdinfo.org"],
  ["Есть сайт meduza.io, там всё есть.", "link", "meduza.io"],
  ["Мой канал t.me/lifeline_channel.", "link", "t.me/lifeline_channel"],
  ["Напиши мне в телеграм @ivan_petrov.", "link", "@ivan_petrov"],
  ["Пиши на ivan.petrov@mail.ru.", "email", "ivan.petrov@mail.ru"],
  ["My e-mail is anna_smith@example.co.uk", "email", "anna_smith@example.co.uk"],
  ["Адрес почты: ivan (at) mail.ru", "email", "ivan (at) mail.ru"],
  // --- addresses
  ["Я живу по адресу: ул. Ленина, д. 5, кв. 12.", "address", "ул. Ленина, д. 5"],
  ["Пиши: 190000, г. Санкт-Петербург.", "address", "190000, г"],
  ["Наш адрес — улица Садовая, 14.", "address", "улица Садовая, 14"],
  ["Мой дом 7, кв. 3.", "address", "дом 7, кв. 3"],
  ["I live at 221 Baker Street in London.", "address", "221 Baker Street"],
  ["Write to apartment 4B? No, apt 12.", "address", "apt 12"],
  ["My postcode is SW1A 1AA.", "address", "SW1A 1AA"],
  // --- codes and abbreviations
  ["Передай ЗК привет от ПКТ.", "codes", "ЗК"],
  ["Запомни код: К7Л9М2.", "codes", "К7Л9М2"],
  ["Вот числа: 12 45 78 33 91 06 17.", "codes", "12 45 78 33 91 06 17"],
  ["Получил твою маляву, спасибо.", "codes", "маляву"],
  [
    "Я очень люблю старую музыку и каждый вечер после работы слушаю Pink Floyd, The Beatles и Led Zeppelin.",
    "codes",
    "Pink",
  ],
  // --- empty slogans
  ["Держись, всё будет хорошо!", "slogans", "Держись"],
  ["Держитесь, мы с вами!", "slogans", "Держитесь"],
  ["Всё будет хорошо, я уверена.", "slogans", "Всё будет хорошо"],
  ["Не сдавайся!", "slogans", "Не сдавайся"],
  ["Свободу политзаключённым!", "slogans", "Свободу политзаключённым"],
  ["Скоро ты выйдешь на свободу.", "slogans", "Скоро ты выйдешь"],
  ["Hang in there!", "slogans", "Hang in there"],
  ["Stay strong, my friend.", "slogans", "Stay strong"],
  ["Everything will be fine, I promise.", "slogans", "Everything will be fine"],
  ["You are not alone.", "slogans", "You are not alone"],
  ["Don't give up!", "slogans", "Don't give up"],
];

/**
 * Ordinary friendly letter sentences: none of them may get any warning. They include the traps
 * that look like the rules above (substrings, other meanings of the same word).
 */
const MUST_PASS: readonly string[] = [
  // everyday life
  "Привет! Меня зовут Анна, я учительница из Казани.",
  "Я работаю инженером и по выходным пеку хлеб.",
  "У нас уже неделю идёт снег, а небо такое серое.",
  "Вчера мы с ребятами ходили в поход и видели лосей.",
  "Мой кот Барсик спит на батарее целыми днями.",
  "Я недавно прочитала «Мастера и Маргариту» второй раз.",
  "Ты любишь сериалы? Я сейчас смотрю старый детектив.",
  "Летом я ездила на Байкал, вода там ледяная.",
  "Какие книги тебе больше всего нравятся?",
  "Расскажи, о чём тебе хотелось бы поговорить.",
  "Моя бабушка варила лучший борщ на свете.",
  "В субботу я была в Третьяковской галерее.",
  "Сегодня испекла пирог с яблоками и корицей.",
  "Пиши, если захочешь, я обязательно отвечу.",
  "Обнимаю, твоя Катя.",
  // traps: war-like words that are not about the war
  "Я перечитываю «Войну и мир» Толстого.",
  "Мой дед прошёл всю Великую Отечественную войну.",
  "В детстве я обожал «Звёздные войны».",
  "Этот воин из легенды победил дракона.",
  "Она сумела завоевать сердце всего класса.",
  "Я работаю фронтенд-разработчиком.",
  "Сын собирает оловянных солдатиков.",
  // traps: case-like words in other senses
  "Как у тебя дела?",
  "На самом деле я тоже люблю зиму.",
  "В чём дело, почему так холодно?",
  "Я прочитала интересную статью о китах.",
  "Срок годности у молока уже вышел.",
  "Я сдал проект в срок.",
  "Такая у меня судьба — всё время переезжать.",
  "Помыла всю посуду и села писать тебе.",
  "Люблю рассуждать о философии.",
  "Ты играешь в судоку?",
  "Мне нравится режим дня: рано встаю, рано ложусь.",
  // traps: swearing-like substrings
  "Надо меньше употреблять сахара.",
  "Корабль вышел из порта на рассвете.",
  "Не хочу никого оскорблять.",
  "Я купила себе новую куртку.",
  "Я тебя обязательно дождусь с ответом.",
  "Страховая опять требует документы.",
  "Дочь попросила мандарины и сразу их съела.",
  "Наша команда выиграла.",
  "Ботаники знают, что сук дерева может быть толстым.",
  "Я сделала педикюр.",
  // traps: LGBT-like substrings
  "Гейша — героиня моей любимой книги.",
  "Я смотрю трансляцию футбола.",
  "Общественный транспорт у нас хороший.",
  "Мы видели гейзер на Камчатке.",
  // traps: authorities-like words
  "Мы гуляли по Кремлю и ели мороженое.",
  "Мы ходили в путешествие по Алтаю.",
  "Я читаю про Распутина.",
  "В музее стоит скелет тираннозавра.",
  // traps: numbers, links, abbreviations
  "Я родилась в 1985 году.",
  "Великая Отечественная длилась с 1941-1945 годы.",
  "Встретимся 12.03.2024 в 10:30.",
  "Он выиграл 1 000 000 рублей в лотерею.",
  "Это случилось в XX веке, при Людовике XIV.",
  "Я учился в МГУ, а потом жил в США.",
  "В СССР такого не было.",
  "Я пью кофе, т.е. очень много кофе, и т.д.",
  "P.S. Передай привет соседям по комнате.",
  "Я купил iPhone и теперь фотографирую птиц.",
  "Я смотрю ТВ только по выходным.",
];

/**
 * Ordinary English sentences: each gets only the "not-russian" notice (the letter will be
 * translated), nothing else.
 */
const MUST_PASS_ENGLISH: readonly string[] = [
  "Hi! My name is John and I am a teacher from Ohio.",
  "I love books, films and long walks with my dog.",
  "Yesterday I baked bread for the first time.",
  "What music do you like? I listen to jazz.",
  "I would love to hear about your interests.",
  "We had a lot of rain this week, but the garden loves it.",
  "I am reading War and Peace for the second time.",
  "My grandfather fought in the Second World War.",
  "We watched Star Wars with the kids.",
  "My husband is a lawyer and I am a doctor.",
  // traps
  "In your case I would read something lighter.",
  "I tried the free trial of a language app.",
  "I have a sentence from Tolstoy pinned above my desk.",
  "The appeal of this book is its humour.",
  "Scunthorpe is a town in England.",
  "I love shiitake mushrooms and cocktails.",
  "That was a classic assassin movie.",
  "I use public transport every day.",
  "My exercise regime is quite strict these days.",
  "The tennis court near my house is open again.",
  "We visited the Kremlin in Moscow years ago.",
  "I ran 5 miles down the road this morning.",
  "Dickens is my favourite writer.",
  "The new album came out last week.",
  "Our cat is strong and healthy.",
  "I was born in 1985, in a small town near Leeds.",
];

const FRIENDLY_LETTER_RU = `Здравствуйте, Алексей!

Меня зовут Марина, мне 34 года, я живу в Екатеринбурге и работаю библиотекарем. Я выбрала написать
именно вам, потому что прочитала, что вы любите историю и шахматы — я тоже! В детстве ходила в
шахматный кружок, а сейчас играю по вечерам.

У нас уже настоящая весна: снег почти сошёл, на набережной гуляют люди с колясками, а в парке
напротив моего дома прилетели грачи. В субботу я ездила на дачу к родителям, мы сажали рассаду
помидоров и пекли блины. Папа до сих пор спорит со мной, какой сорт лучше.

Недавно я перечитала «Мастера и Маргариту» и посмотрела старый фильм «Москва слезам не верит».
А ещё записалась на курсы итальянского языка — пока получается плохо, но очень весело. Какие книги
вам нравятся? Может, посоветуете что-нибудь по истории Древнего Рима?

Если захотите, расскажите, как проходит ваш день и о чём вам хотелось бы поговорить. Я обязательно
отвечу.

С теплом,
Марина`;

const FRIENDLY_LETTER_EN = `Dear Olga,

My name is Tom, I am 52 and I live in a small village in Wales with my wife and two very lazy cats.
I used to be a postman, and now I spend most of my time in the garden and in the local choir.

This spring has been very wet, but the daffodils are out and the lambs are running around in the
field behind our house. Last weekend we drove to the coast and had fish and chips in the rain.

I read that you love poetry. Do you have a favourite poet? Mine is Seamus Heaney. I would love to
hear what you are reading and what you would like to talk about.

Warm wishes,
Tom`;

describe("whole friendly letters", () => {
  it("a Russian letter passes clean", () => {
    expect(precheckLetter(FRIENDLY_LETTER_RU)).toEqual([]);
  });

  it("an English letter gets only the translation notice", () => {
    expect(precheckLetter(FRIENDLY_LETTER_EN)).toEqual([{ code: "not-russian", matches: [] }]);
  });

  it("one slip in a long letter is found and quoted", () => {
    const letter = FRIENDLY_LETTER_RU.replace("Папа до сих пор", "Папа говорит, что война скоро кончится, и до сих пор");
    expect(precheckLetter(letter)).toEqual([{ code: "war", matches: ["война"] }]);
  });
});

describe("precheckLetter: sentences that must be flagged", () => {
  it.each(MUST_FLAG)("%s → %s", (sentence, code, fragment) => {
    const warnings = precheckLetter(sentence);
    const warning = warnings.find((w) => w.code === code);
    expect(warning, JSON.stringify(warnings)).toBeDefined();
    expect(warning!.matches).toContain(fragment);
  });
});

describe("precheckLetter: ordinary letter sentences that must pass", () => {
  it.each(MUST_PASS)("%s", (sentence) => {
    expect(precheckLetter(sentence)).toEqual([]);
  });
});

describe("precheckLetter: ordinary English sentences get only the translation notice", () => {
  it.each(MUST_PASS_ENGLISH)("%s", (sentence) => {
    expect(precheckLetter(sentence)).toEqual([{ code: "not-russian", matches: [] }]);
  });
});

describe("language", () => {
  it("flags a letter written in English, and quotes nothing", () => {
    const warnings = precheckLetter(
      "Dear friend, my name is Anna. I live in Berlin and I work as a nurse. I love cats and old films.",
    );
    expect(warnings).toEqual([{ code: "not-russian", matches: [] }]);
  });

  it("flags German and Ukrainian letters, but not a Russian one", () => {
    expect(precheckLetter("Lieber Freund, ich heiße Anna und wohne in Berlin.").map((w) => w.code)).toEqual([
      "not-russian",
    ]);
    expect(
      precheckLetter("Привіт! Мене звати Олена, я живу у Львові і дуже люблю читати книжки.").map((w) => w.code),
    ).toEqual(["not-russian"]);
    expect(precheckLetter("Привет! Меня зовут Елена, я живу во Львове и очень люблю читать книги.")).toEqual([]);
  });

  it("judges a short text only when it has no Cyrillic at all", () => {
    expect(precheckLetter("Hello!").map((w) => w.code)).toEqual(["not-russian"]);
    expect(precheckLetter("OK")).toEqual([]);
    expect(precheckLetter("Привет, Ок")).toEqual([]);
    expect(precheckLetter("   ")).toEqual([]);
    expect(precheckLetter("")).toEqual([]);
    expect(precheckLetter("12345")).toEqual([]);
  });

  it("flags a half-English letter as not Russian rather than as foreign words", () => {
    const warnings = precheckLetter(
      "Привет! Я Анна. Then I will switch to English, because it is much easier for me to explain everything.",
    );
    expect(warnings.map((w) => w.code)).toEqual(["not-russian"]);
  });

  it("lets a few Latin names inside a Russian letter pass, and does not count links as foreign text", () => {
    expect(precheckLetter("Я люблю песни Queen и работаю в Google уже пять лет, это очень интересно.")).toEqual(
      [],
    );
    const warnings = precheckLetter("Посмотри https://example.com/some/long/english/path/with/words на досуге.");
    expect(warnings.map((w) => w.code)).toEqual(["link"]);
  });

  it("does not flag a letter typed in capitals as a pile of abbreviations", () => {
    expect(precheckLetter("ПРИВЕТ! МЕНЯ ЗОВУТ ОЛЯ, Я ЖИВУ В ТВЕРИ И ЛЮБЛЮ РИСОВАТЬ.")).toEqual([]);
  });
});

describe("warnings", () => {
  it("come most severe first, each code once, with distinct fragments as typed", () => {
    const letter = [
      "Держись! Война скоро кончится, ВОЙНА не вечна, война всех достала.",
      "Путин уйдёт.",
      "Звони +7 999 123-45-67.",
    ].join("\n");
    const warnings = precheckLetter(letter);
    expect(warnings.map((w) => w.code)).toEqual(["authorities", "war", "phone", "slogans"]);
    expect(warnings[1]!.matches).toEqual(["Война"]);
  });

  it("quote a number caught by two patterns once", () => {
    expect(precheckLetter("Звони: +7 (999) 123-45-67")).toEqual([{ code: "phone", matches: ["+7 (999) 123-45-67"] }]);
  });

  it("quote at most maxMatches fragments", () => {
    const warnings = precheckLetter("армия, солдаты, фронт, война, мобилизация", { maxMatches: 2 });
    expect(warnings).toEqual([{ code: "war", matches: ["армия", "солдаты"] }]);
  });

  it("quote the writer's text even across a line break and odd spaces", () => {
    const warnings = precheckLetter("Это кровавый\n\n   режим.");
    expect(warnings).toEqual([{ code: "authorities", matches: ["кровавый\n\n   режим"] }]);
  });

  it("the same letter always gives the same answer", () => {
    const letter = "Держись! Твой адвокат говорит, что суд будет в мае. Пиши на a@b.ru";
    expect(precheckLetter(letter)).toEqual(precheckLetter(letter));
  });
});

describe("normalisation", () => {
  it("folds ё, case, zero-width characters, stress marks and look-alike letters", () => {
    const scan = normalizeForScan("Вo\u0301йна\u200B и ЁЛКА, fuсk");
    expect(scan.folded).toBe("война и елка, fuck");
    expect(scan.cased.length).toBe(scan.folded.length);
    expect(scan.map.length).toBe(scan.cased.length + 1);
  });

  it("reads a run of three or more letters as one and keeps the way back to the original", () => {
    const scan = normalizeForScan("нууу  ладно");
    expect(scan.folded).toBe("ну ладно");
    expect(scan.source.slice(scan.map[3], scan.map[8])).toBe("ладно");
  });

  it("keeps a real mixed word alone and leaves digits in measurements", () => {
    expect(normalizeForScan("10км и 2024г").folded).toBe("10км и 2024г");
  });
});

describe("rules file", () => {
  it("lists every code in the severity order", () => {
    expect([...getPrecheckRules().severity].sort()).toEqual([...PRECHECK_CODES].sort());
  });

  it("rejects bad rules with a readable message", () => {
    const copy = () => JSON.parse(JSON.stringify(rawRules)) as { categories: Record<string, { terms: unknown[] }> };
    const upper = copy();
    upper.categories.war!.terms.push("Война");
    expect(() => compilePrecheckRules(upper)).toThrow(/lower-case.*Война/s);
    const broken = copy();
    broken.categories.case!.terms.push("суд(");
    expect(() => compilePrecheckRules(broken)).toThrow(/not a valid regular expression/);
    const empty = copy();
    empty.categories.lgbt!.terms.push("(гей)?");
    expect(() => compilePrecheckRules(empty)).toThrow(/empty string/);
    const missing = copy();
    delete missing.categories.slogans;
    expect(() => compilePrecheckRules(missing)).toThrow(/slogans/);
  });

  it("can be swapped for other rules", () => {
    const custom = JSON.parse(JSON.stringify(rawRules)) as { categories: Record<string, { terms: unknown[] }> };
    custom.categories.slogans!.terms.push("выше нос");
    const rules = compilePrecheckRules(custom);
    expect(precheckLetter("Выше нос!", { rules })).toEqual([{ code: "slogans", matches: ["Выше нос"] }]);
    expect(precheckLetter("Выше нос!")).toEqual([]);
  });
});

describe("texts for the writer", () => {
  const i18n = createI18n();

  it.each(LOCALES)("%s has a message for every warning, quoting the fragments found", (locale) => {
    const letter = "Держись! Война, суд, гей, Путин, бля, +7 999 123-45-67, t.me/x_y_z, a@b.ru, ул. Ленина, 5, ЗК";
    const warnings = precheckLetter(letter);
    expect(warnings.map((w) => w.code).sort()).toEqual(PRECHECK_CODES.filter((c) => c !== "not-russian").sort());
    for (const warning of warnings) {
      const text = i18n.t(locale, `precheck-${warning.code}`, { matches: quoteMatches(warning.matches, locale) });
      expect(text, warning.code).not.toMatch(/precheck-|\{|\}|\$matches/);
      expect(text, warning.code).toContain(quoteMatches(warning.matches, locale));
    }
    const notRussian = i18n.t(locale, "precheck-not-russian");
    expect(notRussian).not.toMatch(/precheck-/);
    for (const key of ["precheck-intro", "precheck-clean", "precheck-fix", "precheck-send-anyway"]) {
      expect(i18n.t(locale, key), key).not.toBe(key);
    }
  });
});

describe("quoteMatches", () => {
  it("uses each language's quotation marks", () => {
    expect(quoteMatches(["война", "СВО"], "ru")).toBe("«война», «СВО»");
    expect(quoteMatches(["war"], "en")).toBe("“war”");
  });
});
