# Lifeline — English. Keys are kebab-case, prefixed by area. Every key here also exists in ru.ftl
# with the same placeables (tests/locales.test.ts checks it). Add new keys in a block under a
# "# --- <area> ---" header.

# --- common ---
error-generic = Sorry, something went wrong on our side. Please try again in a moment; if it keeps happening, send /start.
error-unreadable = Sorry, some of the stored data for this could not be read: it looks damaged. Nothing was changed. We have been told and will look into it; please try again later.
flood-slow-down = That's a lot of messages at once, more than we can keep up with. Please wait a minute, then send your last message again: some of the most recent ones may not have reached us.
flood-uploads = You've sent a great many photos and files in the past hour. Please wait up to an hour before sending more. Everything that arrived before this message is safe; anything you send now won't reach us, so send it again later.
stale-button = This button no longer works. Send /start to open the menu.
fallback-unknown = We didn't quite catch that. Here is the menu:
fallback-draft-lost = We are sorry: the letter you were writing was lost on our side. Our server restarted, and a letter is only kept for good once you send it. What you sent is still above in this chat. To start again, press “✉️ Write a letter” (you can copy your text from above).
menu-title = Main menu. What would you like to do?
menu-back = ‹ Back
menu-settings = ⚙️ Settings
menu-help = ℹ️ Help

# --- start ---
start-welcome =
    Hello! This is Lifeline.

    About 1,500 people in Russia are in prison or under arrest for their words, their faith or their protest against the war. Many of them have never received a single letter. A few lines from outside tell them they are not forgotten.

    Here you can write to one of them. We help you choose a person, explain what the prison censor lets through, then print your letter, post it and bring the reply back to this chat. It is free and takes about 20–30 minutes.

    { $written ->
        [0] ✉️ No letters written together yet: yours could be the first.
       *[other] ✉️ Letters we have written together: { $written }
    }
    ⏳ People still waiting for their first letter: { $waiting }

    What would you like to do?

# --- help ---
help-text =
    How Lifeline works

    1. We suggest a person who is waiting for letters, or you find someone yourself.
    2. You write a letter: type it here or send photos of a handwritten one. Before it goes, we check it for things prison censors block.
    3. Volunteers print your letter and post it. You see every step here.
    4. When a reply comes, we send it to this chat.

    Commands:
    /start — main menu
    /write — write a letter
    /search — find a person
    /letters — my letters and replies
    /requests — my requests to write to someone specific
    /stats — what we have done together
    /guide — how to write a letter
    /settings — settings
    /language — change the language
    /privacy — what we store about you, and deleting it
    /cancel — stop what you are doing
    /help — this help

    We keep only what is needed: your Telegram id, your language, the name you sign with and the interests you choose.

# --- settings ---
settings-title = Settings. What would you like to change?
settings-language = 🌐 Language

# --- language ---
language-choose = Which language should we speak?
language-changed = Done: from now on we speak English.
language-name-ru = 🇷🇺 Русский
language-name-en = 🇬🇧 English

# --- cancel ---
cancel-done = All right, stopped. You can start again from the menu.
cancel-nothing = There is nothing to cancel right now.

# --- commands ---
command-start = Main menu
command-settings = Settings
command-language = Change the language
command-help = How Lifeline works
command-cancel = Stop the current action

# --- pdf ---
# Words on the printed letter and in the envelope list (printed in Russian for the prison post).
pdf-recipient-to = To
pdf-recipient-where = Address
pdf-birth-year = born { $year }
pdf-translation-heading = Translation into Russian
pdf-original-heading = Original letter
pdf-letter-code = Letter { $code }
pdf-page-of = Page { $page } of { $total }
pdf-return-address = Return address
pdf-envelope-code = Letter code
pdf-envelope-full-name = Recipient's full name
pdf-envelope-birth-year = Year of birth
pdf-envelope-facility = Facility
pdf-envelope-postal-address = Postal address
pdf-envelope-sheet = Envelopes
pdf-letter-date = { DATETIME($date, day: "numeric", month: "long", year: "numeric") }

# --- precheck ---
precheck-intro = We checked your letter for things prison censors usually block or black out. These are only hints: you know your letter best, and you decide what to change.
precheck-clean = We found nothing that prison censors usually object to. Your letter looks ready to go.
precheck-fix = ✏️ Edit the letter
precheck-send-anyway = Send as it is
precheck-not-russian = 🌐 Your letter is not in Russian, or a large part of it is not. That is fine: we will translate it. But censors hold up letters in other languages, so it may take longer to arrive.
precheck-war = ⚠️ The war and the army: { $matches }. Censors black out or stop anything about the war, military action or political news. Write about your own life instead: your day, your town, what you are reading.
precheck-case = ⚠️ The criminal case: { $matches }. Details of the case, the trial or the sentence can hurt the person and even harm their case, and censors often stop such letters. It is kinder to leave this out; the person will bring it up if they want to.
precheck-lgbt = ⚠️ LGBTQ+ topics: { $matches }. In a Russian prison this can put the person in danger from staff and other inmates, and censors block it. Please leave it out of this letter.
precheck-authorities = ⚠️ Politics and the authorities: { $matches }. Criticism of the authorities, insults or calls to protest can be read as extremism: the letter will be stopped, and it can harm the person. Better leave politics out.
precheck-swearing = ⚠️ Swearing: { $matches }. Censors do not pass letters with swear words, even with letters hidden behind asterisks. Try a softer word.
precheck-phone = ⚠️ A phone number: { $matches }. Letters with phone numbers are blocked. If the person wants to reach you, they can answer your letter through us.
precheck-link = ⚠️ A link or an account name: { $matches }. There is no internet in prison, and censors strike out links. Describe in your own words what is there.
precheck-email = ⚠️ An e-mail address: { $matches }. Censors block contact details, and the reply will come to this chat anyway. Please remove it.
precheck-address = ⚠️ A postal address: { $matches }. Please do not give your address: we post the letter ourselves, the reply comes back to this chat, and you stay safer.
precheck-codes = ⚠️ Abbreviations, codes or foreign words: { $matches }. Censors suspect hidden messages in anything they cannot understand. Write words out in full, in Russian.
precheck-slogans = 💬 Stock phrases: { $matches }. Words like “hang in there” are meant kindly but sound empty, and promises like “you will be free soon” may not come true. A few lines about your own life will mean more.

# --- operators ---
mod-card-title = 📨 <b>Letter { $code }</b>
mod-card-recipient = To: { $name }, { $facility }
mod-card-language = Language: { $language }
mod-card-needs-translation = 🌐 needs translation
mod-card-translation-attached = 🌐 Translation attached; it will be printed with the letter.
mod-card-kind-typed = Typed in the bot
mod-card-kind-handwritten = Handwritten, pages: { $pages }
mod-card-no-warnings = Pre-check: nothing found.
mod-card-warnings = The pre-check found (the writer chose to send it anyway):
mod-card-waiting = ⏳ Waiting for a decision.
mod-card-decided = { $status ->
    [approved] ✅ Approved
    [needs_changes] ✏️ Sent back for changes
    [held] ⏸ On hold, do not print
   *[rejected] ⛔ Rejected
} — { $who }, { $at }
mod-card-reason = Reason: { $reasonText }
mod-who-operator = operator #{ $id }
mod-who-system = the system
mod-warning = { $code ->
    [not-russian] not in Russian
    [war] war and army
    [case] criminal case
    [lgbt] LGBTQ+
    [authorities] politics and authorities
    [swearing] swearing
    [phone] phone number
    [link] link
    [email] email address
    [address] postal address
    [codes] abbreviations and codes
    [slogans] empty slogans
   *[other] { $code }
}
mod-button-approve = ✅ Approve
mod-button-changes = ✏️ Ask for changes
mod-button-reject = ⛔ Reject
mod-button-back = ← Back
mod-button-translation-on = 🌐 Mark: needs translation
mod-button-translation-off = 🌐 Unmark translation
mod-reason-button = { $reason ->
    [war] mentions of the war and the army
    [case] details of the criminal case
    [lgbt] topics dangerous in prison
    [authorities] politics and the authorities
    [swearing] rude words
    [contacts] phone numbers, addresses, links
    [codes] codes or foreign words
    [illegible] handwriting or photo hard to read
    [too-short] the letter is too short
    [other-changes] other — see the rules
    [hostile] hostile or insulting
    [spam] does not look personal
    [unsafe] could harm the recipient
    [unreachable] cannot receive letters now
    [duplicate] already sent
   *[other-reject] does not follow the rules
}
mod-choose-changes = What should the writer change?
mod-choose-reject = Why is the letter rejected?
mod-already-decided = This letter has already been decided, its status: { letters-status-name } ({ $who }, { $at }).
mod-decision-saved = Decision recorded.
mod-letter-missing = This letter no longer exists.
mod-translation-saved = The translation of letter { $code } is saved; it will be printed with the letter.
mod-translation-too-long = The translation is too long (over { $max } { $max ->
        [one] character
       *[other] characters
    }). Please send a shorter one.
mod-translation-not-now = A translation can only be attached before the letter is printed.
letter-reason = { $reason ->
    [war] mentions of the war and the army
    [case] details of the criminal case
    [lgbt] topics that put the recipient in danger in prison
    [authorities] politics and remarks about the authorities
    [swearing] rude words
    [contacts] phone numbers, addresses, links or other contacts
    [codes] abbreviations, codes or foreign words
    [illegible] the handwriting or photo is hard to read
    [too-short] the letter is too short
    [other-changes] something needs fixing — see the rules
    [hostile] the letter is hostile or insulting
    [spam] the letter does not look personal
    [unsafe] the letter could harm the recipient
    [unreachable] this person cannot receive letters right now
    [duplicate] this letter has already been sent
    [recipient-released] the recipient has been released
    [recipient-unreachable] letters can no longer be passed on to the recipient
    [hold-released] the recipient can receive letters again
   *[other-reject] the letter does not follow the rules
}

# --- journey ---
menu-write = ✉️ Write a letter
menu-guide = 📖 How to write
settings-interests = 🎨 Interests
settings-signature = ✍️ Signature
command-write = Write a letter
command-guide = How to write a letter

# --- rules ---
rules-digest =
    📜 Before you write: what gets past the censor

    A prison censor reads every letter and blacks out or withholds anything about:
    • the war, the army, politics, criticism of the authorities;
    • the person's criminal case, trial or sentence;
    • LGBTQ+ topics;
    • codes, abbreviations, words in other languages;
    • swearing, phone numbers, addresses and links.

    Write about yourself and what you love, and ask what interests the person.

    ⚠️ If you live in Russia, sign with a pseudonym and leave out anything that identifies you.
rules-more =
    Why, and what works well

    • Details of the case hurt the person and can harm them.
    • LGBTQ+ topics put the person in danger inside.
    • Calls to protest, or anything that could be read as "extremism", get the letter stopped and can harm the person.

    ✅ What works well: your work and what you love; books, films, music, nature, animals, travel, everyday stories. Ask what interests the person and what they would like to talk about. Skip empty slogans like "hang in there" and promises you cannot keep. Letters in Russian arrive fastest; we translate others, but censors hold them longer.

    ⚠️ Censors can pass letters on to investigators, so for writers in Russia the risk is real. Sign with a pseudonym or just a first name, leave out your city and workplace, and keep away from politics. We show your Telegram account to no one: the letter carries only its text and the signature you choose.

    The full guide is always at hand: /guide.
rules-updated = 📌 The rules have changed since you last read them. Please take a minute to read them again.
rules-accept = ✅ Got it
rules-more-button = More ›
rules-cancel = ✖️ Cancel
rules-open-guide = 📖 The full guide
rules-thanks = Thank you for reading!

# --- guide ---
guide-contents =
    📖 How to write a letter

    Choose a topic:
guide-next = Next: { $title } ›
guide-back-to-contents = ‹ Contents
guide-open = 📖 The full guide
guide-start-title = 🚀 Getting started
guide-start-text =
    Lifeline helps you write to a person imprisoned in Russia for political reasons.

    1. Press "✉️ Write a letter": we suggest someone who is waiting for letters, first of all people who have had none yet. You can ask for someone else a few times a day, or look for a particular person.
    2. Read their card: who they are, where they are held and what they are persecuted for.
    3. Write: type the letter here, or write it by hand and send photos of the pages. It takes 20–30 minutes.
    4. Before it goes, we check the text for things the censor blocks and explain what to change.
    5. We print the letter, post it and pay for it. You see every step here, and a reply comes back to this chat.

    Your first letter does not have to be long or clever. What matters is that it is warm and that it arrives.
guide-censorship-title = ✂️ What you cannot write
guide-censorship-text =
    Every letter is read by a prison censor before the person gets it. Censorship is arbitrary and has been stricter since mid-2023: a letter may be blacked out, delayed or not handed over at all, usually without explanation.

    Censors stop letters with:
    • the war, military action and political news retold;
    • details of the person's own criminal case: it is painful for them and can harm their case;
    • LGBTQ+ topics: this puts the person at risk from staff and other inmates;
    • insults to the authorities, calls to overthrow them, anything that could be read as extremism or terrorism;
    • codes, ciphers, jargon, unclear abbreviations, foreign words or scripts;
    • swearing, phone numbers, state or official secrets.

    Write in Russian if you can. Letters in other languages are held up or blocked; we translate them, and that takes longer.

    Censors can pass letters on to investigators. If you live in Russia, sign with a pseudonym and leave out anything that identifies you.
guide-what-title = ✍️ What you can write
guide-what-text =
    Almost anything from ordinary life:
    • introduce yourself: your work, your hobbies, why you decided to write;
    • books, films, music, pets, nature, travel;
    • everyday scenes: what you cooked, what you saw on a walk, how the seasons change where you live;
    • non-political news: science, sport, culture;
    • questions: what does the person enjoy, what are they reading, what would they like to talk about.

    Sign with a name (a steady pseudonym is fine), never anonymously: a letter from nobody is hard to answer. Ask the person to reply in clear handwriting; block letters help when a translation is needed.
guide-tips-title = 💬 Communication tips
guide-tips-text =
    • Write as you would to a new acquaintance, not to a hero or a victim.
    • Avoid empty slogans like "hang in there" or "you will be free soon": they sound hollow, and such promises may not come true.
    • Do not promise what you cannot do: to visit, to send money, to write every week.
    • A few lasting correspondences mean more than many one-off letters. If a reply comes, answer it.
    • Birthday and holiday cards bring great joy: remember the dates.
    • Do not be upset if no reply comes: paper, stamps and the censor all stand in the way. Your letter was still read.
guide-after-title = 📮 What happens next
guide-after-text =
    1. Your letter gets a short code like L-7K3Q and the status “being checked”.
    2. A volunteer reads it and checks it against the censorship rules. If something needs changing, we tell you what and why.
    3. The letter is printed and posted, with paper and an envelope for a reply.
    4. The prison censor reads it, which can take days or weeks, and then the person receives it.
    5. When a reply comes, we scan it and send it to this chat.

    We tell you here about every step. If the person is transferred or released, we let you know too.
guide-support-title = 🤝 How else to support
guide-support-text =
    • Write again: to the same person, or to someone who has no letters yet.
    • Send cards for birthdays and holidays.
    • Tell your friends about Lifeline: every new writer means someone gets their first letter.
    • Support human-rights projects that find lawyers, send parcels and help families, such as OVD-Info.
    • Tell people about political prisoners: being remembered in public helps them too. If you live in Russia, think about your own safety first.
guide-charges-title = ❓ Why such charges?
guide-charges-text =
    ❓ Why is my person charged with terrorism or extremism?

    It sounds frightening, but in political cases these words rarely mean what they seem.

    • Words against the war are often prosecuted as "justification of terrorism", as "fakes" about the army or as "discrediting" it: a post, a comment, an overheard conversation is enough.
    • Religious communities, Jehovah's Witnesses among them, and opposition organisations have been banned as "extremist". Then a prayer meeting or a small donation becomes a crime.
    • Human-rights defenders recognise as political prisoners only people persecuted for non-violent acts.

    So you can write without fear: behind the card is most likely someone who spoke up, protested or prayed. Just leave the case itself out of your letter.

# --- interests ---
interest-books = Books
interest-music = Music
interest-cinema = Cinema
interest-art = Art
interest-history = History
interest-science = Science
interest-sport = Sport
interest-nature = Nature and animals
interest-travel = Travel
interest-cooking = Cooking
interest-faith = Faith
interest-languages = Languages
interest-poetry = Poetry
interest-games = Games and chess
interest-technology = Technology
interest-crafts = Crafts
interests-intro = What do you enjoy? Tick anything that fits: we will try to find people who share your interests, so you have something to talk about.
interests-intro-first = One more thing before we choose a person: what do you enjoy? Tick anything that fits, and we will look for someone with shared interests. You can skip this and change it later in Settings.
interests-own-current = Your own: { $list }
interests-own-hint = Something else? Press "✏️ My own" and type it.
interests-own-button = ✏️ My own
interests-own-clear = 🗑 Clear my own
interests-continue = Continue ›
interests-skip = Skip ›
interests-save = ✅ Done
interests-saved = Saved.
interests-own-ask = Type your interests in one message, separated by commas, for example: jazz, embroidery, mountains. Up to { $max }, each up to { $length } { $length ->
        [one] character
       *[other] characters
    }. This replaces your previous list of your own.
interests-own-placeholder = jazz, embroidery, mountains
interests-own-text-only = Please send your interests as text, separated by commas.
interests-own-empty = We could not find any interests there. Please separate them with commas.
interests-own-too-long = That is a bit long. Please keep each interest within { $length } { $length ->
        [one] character
       *[other] characters
    } and separate them with commas.
interests-own-saved = Saved your interests.
interests-own-trimmed = We kept at most { $max } { $max ->
        [one] interest
       *[other] interests
    } of up to { $length } { $length ->
        [one] character
       *[other] characters
    } each.
interests-own-gave-up = Let's leave it for now. You can add your own interests any time in Settings.

# --- signature ---
signature-current =
    Your letters are signed: { $name }

    A steady pseudonym is fine. If you live in Russia, better not sign with your full real name.
signature-none =
    You have not chosen a signature yet. We will ask for it with your first letter, or you can set it now.

    A steady pseudonym is fine. If you live in Russia, better not sign with your full real name.
signature-change = ✏️ Change
signature-set = ✏️ Choose a signature
signature-ask = How should we sign your letters? A first name or a steady pseudonym, up to { $max } { $max ->
        [one] character
       *[other] characters
    }.
signature-placeholder = For example: Anna
signature-text-only = Please send the name as text.
signature-too-long = That is too long: please keep it within { $max } { $max ->
        [one] character
       *[other] characters
    }.
signature-empty = The signature cannot be empty. Please send a name of up to { $max } { $max ->
        [one] character
       *[other] characters
    }.
signature-saved = Done: your letters will be signed “{ $name }”.
signature-gave-up = Let's leave it for now; you can choose a signature any time in Settings.

# --- write ---
write-assigned = Here is the person we suggest you write to:
write-same-person = This person is still waiting for your letter:
write-someone-else = Here is someone else:
write-nobody-available = Right now there is nobody new we can suggest to you: you have recently written to, or asked for someone other than, everyone who can receive letters through us. Thank you for wanting to help! Please look in again in a day or two, or find someone by name with /search.
write-offer-stale = This card is out of date. Press “✉️ Write a letter” in the menu to see who is waiting for you now.
write-decline-limit = You can ask for someone else only a few times a day, so that everyone gets letters. Perhaps write to { $name } after all: they are waiting for a letter too.
write-declines-left =
    { $count ->
        [0] That was your last change for today.
        [one] You can ask for someone else once more today.
       *[other] You can ask for someone else { $count } more times today.
    }
write-already-in-flow = You are in the middle of something already. Finish it or send /cancel, then press the button again.

# --- card ---
card-name-in-russian = In Russian: { $name }
card-age-region =
    { $age ->
        [one] { $age } year old
       *[other] { $age } years old
    } · { $region }
card-age =
    { $age ->
        [one] { $age } year old
       *[other] { $age } years old
    }
card-facility = 🏛 Where held:
card-case-in-russian = We only have this in Russian for now. You can still write in English: we translate every letter before it is posted.
card-in-russian = (in Russian)
card-case = ⚖️ Persecuted for:
card-sentence = 📅 Sentence:
card-no-verdict = not passed yet
card-custody-since = 🔒 In custody since:
card-interests = 🎨 Interests:
card-letters = ✉️ Letters through Lifeline: { $count }
card-letters-none = ✉️ No letters through Lifeline yet: yours will be the first.
card-write = ✉️ Write to { $name }
card-someone-else = 🔄 Someone else
card-about-charges = ❓ About the charges

# --- search ---
menu-search = 🔎 Find a person
command-search = Find a person by name, interests, views, profession or region
command-stats = What we have done together
search-prompt =
    Type a name or surname, in Russian or in Latin letters (for example “Ivanova” or “Иванова”). Small typos are fine.

    Or look through people by what they care about:
search-browse-interest = 🎨 By interests
search-browse-view = 🕊 By views or group
search-browse-profession = 💼 By profession
search-browse-region = 🗺 By region
search-specific = ✍️ Write to someone specific
search-random = 🎲 Someone at random
search-back = ‹ Back to search
search-query-empty = Please type a name or surname to look for.
search-query-too-long = That is too long for a name. Please type just the name or surname (up to 100 characters).
search-query-no-letters = A name needs letters. Please type a name or surname, for example “Ivanova”.
search-query-expired = This search is too old. Please type the name again.
search-nothing-found =
    Nobody called “{ $query }” is in our list.

    Check the spelling or type just the surname. If the person you mean is not in the list, you can still write to them: we will try to find them.
search-results-header =
    { $total ->
        [one] One person found for “{ $query }”:
       *[other] { $total } people found for “{ $query }”:
    }
search-browse-header =
    { $total ->
        [one] { $label }: one person.
       *[other] { $label }: { $total } people.
    } People who are still waiting for letters come first.
search-choose-interest = Which interest?
search-choose-view = Which views or group?
search-choose-profession = Which profession?
search-choose-region = Which region?
search-facet-empty = There is nothing to choose from yet.
search-facet-gone = Nobody in the list has this any more. Please choose again.
search-page-gone = That page no longer exists; here is the last one.
search-person-gone = This person is no longer in our list.
search-link-outdated = This link is out of date, so we cannot open that card. You can find the person by name:
search-prev = ◀️
search-next = ▶️
search-page = { $page } / { $pages }
search-born = born { $year }
search-status-waiting = no letters yet
search-status-letters =
    { $count ->
        [one] 1 letter
       *[other] { $count } letters
    }
search-status-cannot = ⛔ cannot receive letters here
search-cannot-now = This person cannot receive letters through Lifeline any more.
search-cannot-receive =
    { $reason ->
        [released] This person has been released, so they no longer need letters through Lifeline.
        [no_address] We do not have an address for this person right now, so we cannot deliver letters to them.
        [identity_protected] To protect this person we cannot publish where they are held, so we cannot pass letters on.
        [asked_privacy] This person has asked not to receive letters from strangers, and we respect that.
       *[other] We cannot deliver letters to this person through Lifeline right now.
    } You can write to someone else, or ask us to try to reach a specific person.
search-view-anti-war = Against the war
search-view-faith = Faith
search-view-journalists = Journalists
search-view-students = Students
search-view-artists = Artists
search-view-opposition = Opposition
search-view-human-rights = Human rights
search-view-environment = Environment
search-view-scientists = Scientists
search-view-lawyers = Lawyers
search-button-show-card = 👤 Show the card
search-button-find = 🔎 Find someone else
import-notice-released-assignment = Good news: the person you were about to write to has been released. They no longer need letters through Lifeline, so we have taken them off your list. You can choose someone else.
import-notice-unreachable-assignment =
    { $reason ->
        [no_address] We no longer have an address for the person you were about to write to,
        [identity_protected] To protect the person you were about to write to, we can no longer pass letters on to them,
        [asked_privacy] The person you were about to write to has asked not to receive letters from strangers,
       *[other] We can no longer deliver letters to the person you were about to write to,
    } so we have taken them off your list. You can choose someone else.
import-notice-transferred-assignment = The person you were about to write to has been moved to another place. Their card now shows where they are held; your letter will go to the new address.
import-notice-released-letter = Good news about your letter { $code }: its recipient has been released. We will not post it to the prison; we will let you know what happens to it.
import-notice-unreachable-letter =
    About your letter { $code }: { $reason ->
        [no_address] we no longer have an address for its recipient,
        [identity_protected] to protect its recipient we can no longer pass letters on,
        [asked_privacy] its recipient has asked not to receive letters from strangers,
       *[other] we can no longer deliver letters to its recipient,
    } so it is on hold. We will let you know what happens to it.
import-notice-transferred-letter = About your letter { $code }: its recipient has been moved to another place. We will send it to the new address, so it may take a little longer.
inline-share-text = Write to this person through Lifeline: a few lines from outside mean a lot in prison.
inline-open-button = ✉️ Open in Lifeline
inline-bad-query = Type a name or surname
inline-nothing-found = Nobody found. Open Lifeline
specific-intro = Tell us who you would like to write to. We will look for the person and pass your letter on if we can reach them.
specific-ask-name = What is the person’s full name: surname, first name and patronymic if you know it? (up to { $max } { $max ->
        [one] character
       *[other] characters
    })
specific-ask-year = What year was the person born? (for example 1985) We need it for the envelope.
specific-ask-facility = Where is the person held, if you know (the facility, town or region)? If you don’t know, press “I don’t know”.
specific-skip = I don’t know
specific-cancel = Cancel
specific-text-only = Please answer with a text message.
specific-invalid-empty = Please type an answer.
specific-invalid-too-long = That is too long: up to { $max } { $max ->
        [one] character
       *[other] characters
    }, please.
specific-invalid-letters-only = A name should contain only letters, spaces, hyphens and apostrophes. Please type it again.
specific-invalid-one-word = Please type at least the surname and the first name.
specific-invalid-not-a-year = Please type the year as four digits, for example 1985.
specific-invalid-out-of-range = Please type a year between { $min } and { $max }.
specific-gave-up = Let’s stop here. You can start again from “🔎 Find a person” whenever you like.
specific-saved =
    Thank you: request R-{ $id } is saved. Our team will look for the person; you can follow its status with “📋 My requests” or the /requests command.

    Now write the letter: we will pass it on once we reach them.
specific-write-letter = ✍️ Write the letter
specific-letter-exists = You have already written the letter for this request.
stats-text =
    What Lifeline’s writers have done together:

    ✍️ Letters written: { $written }
    📮 Letters posted: { $posted }
    💌 Replies received: { $replies }
    ⏳ People waiting for their first letter: { $waiting }

# --- letter ---
letter-unavailable = This person can no longer receive letters through Lifeline, or the link is out of date. Please choose someone else from the menu.
letter-request-used = You have already written the letter for this request. You can follow it in “My letters”.
letter-choose-kind =
    ✍️ A letter to { $recipient }.

    How would you like to write it?
    • Type it here: you can send it in several messages, and we will put them together.
    • Write it by hand on paper and send photos of the pages.
letter-kind-typed-button = ⌨️ Type it here
letter-kind-handwritten-button = 📷 Photos of a handwritten letter
letter-cancel = ✖️ Cancel
letter-typed-prompt =
    Write your letter. You can send it in one message or in several: we will join them into one letter.

    Length: at least { $min } and at most { $max } { $max ->
        [one] character
       *[other] characters
    } (about 3–4 printed pages). To change a part you have sent, edit that message in Telegram.
letter-typed-fix = Your text is kept. To fix a part, edit that message in Telegram (long press → Edit), or send more text; “Start over” clears everything. Press “Done” when you are ready.
letter-typed-edit = Your text is kept. Edit your messages above, add more text, or start over. Press “Done” when you are ready.
letter-typed-status = Your letter so far: { $length } { $length ->
        [one] character
       *[other] characters
    } out of { $max } (about { $pages } { $pages ->
        [one] page
       *[other] pages
    }). Send more text, or press “Done”.
letter-preview = 👁 Preview
letter-start-over = 🔄 Start over
letter-done = ✅ Done
letter-preview-header = Preview of your letter ({ $part }/{ $total }):
letter-started-over = The letter is cleared. Send the text again (up to { $max } { $max ->
        [one] character
       *[other] characters
    }).
letter-empty = The letter is still empty. Please send its text first.
letter-too-short = The letter has only { $length } { $length ->
        [one] character
       *[other] characters
    }. Write at least { $min }: a few lines about yourself will already mean a lot.
letter-too-long = With this message the letter would be { $length } { $length ->
        [one] character
       *[other] characters
    } long, over the limit of { $max }, so we did not add it. You have { $left } { $left ->
        [one] character
       *[other] characters
    } left: shorten this part and send it again.
letter-edit-too-long = After this edit the letter would be { $length } { $length ->
        [one] character
       *[other] characters
    } long, over the limit of { $max }, so we kept the earlier version of that part.
letter-part-updated = ✏️ That part of the letter is updated.
letter-part-empty = There was nothing in this message we could print (only emoji or invisible characters), so we did not add it.
letter-removed-invisible = We removed invisible control characters from the text.
letter-removed-emoji = Emoji cannot be printed, so we left them out.
letter-pages-prompt =
    Send photos of your handwritten letter, one photo per page, in order: up to { $max } { $max ->
        [one] page
       *[other] pages
    }. You can send them all at once as an album.

    Photos or image files (JPEG, PNG, WebP) work. Lay the page flat in good light, with the whole sheet in the picture.
letter-pages-edit = Your { $count } { $count ->
        [one] page is
       *[other] pages are
    } kept. Add pages (up to { $max }), remove the last one, or start over. Press “Done” when you are ready.
letter-pages-status = 📄 Pages received: { $count } of at most { $max }. Send more pages, or press “Done”.
letter-remove-last-page = ↩️ Remove last page
letter-pages-none = There are no pages yet. Send at least one photo of your letter.
letter-page-removed = The last page is removed. Pages now: { $count } of at most { $max }.
letter-pages-started-over = All pages are removed. Send the photos again (up to { $max } { $max ->
        [one] page
       *[other] pages
    }).
letter-pages-full = A letter can have at most { $max } { $max ->
        [one] page
       *[other] pages
    }, so we did not add this one. Press “Done”, or remove a page first.
letter-page-duplicate = You have already sent this page, so we did not add it again.
letter-page-go-on = { $count ->
        [0] Please send the page again as a photo.
       *[other] Your other pages are kept: send the next page, or press “Done”.
    }
letter-page-error-unsupported-format = We cannot use this file: please send the page as a photo, or as a JPEG, PNG or WebP image.
letter-page-error-heic = This is a HEIC picture (the iPhone format), which we cannot print. Send it as an ordinary photo instead (not as a file), or export it as JPEG.
letter-page-error-pdf = PDF files are not accepted. Please send each page as a photo, or as a JPEG, PNG or WebP image.
letter-page-error-too-many-pixels = This picture is far too large in pixels for us to process. Please send an ordinary photo of the page.
letter-page-error-corrupted = This picture seems damaged or incomplete and cannot be opened. Please take the photo again and resend it.
letter-page-error-too-large-file = This file is larger than 20 MB, the most Telegram lets a bot download. Please send it as a photo (Telegram will compress it) or make it smaller.
letter-page-error-empty = This file is empty. Please send the photo again.
letter-page-error-download-failed = We could not download this file from Telegram. Please send it again in a moment.
letter-signature-ask =
    How should we sign your letter? Write the name to put under it (up to { $max } { $max ->
        [one] character
       *[other] characters
    }).

    It does not have to be your real name: a first name or a steady pseudonym is fine, for example “Anna” or “Friend from Riga”. Censors read every letter and can pass them on, so for your safety do not give your full name if you live in Russia. We will remember it; you can change it in Settings.
letter-signature-too-long = That is too long: up to { $max } { $max ->
        [one] character
       *[other] characters
    }, please.
letter-signature-empty = Please type a name to sign the letter with.
letter-signature-saved = Thank you. Your letters will be signed “{ $signature }”.
letter-summary-title = Please check your letter before it goes:
letter-summary-to = To: { $recipient }
letter-summary-typed = Typed letter: { $length } { $length ->
        [one] character
       *[other] characters
    } (about { $pages } printed { $pages ->
        [one] page
       *[other] pages
    })
letter-summary-handwritten = Handwritten letter: { $count } { $count ->
        [one] page
       *[other] pages
    }
letter-summary-signature = Signed: { $signature }
letter-summary-warnings = Sent despite the check's warnings about: { $list }
letter-summary-no-warnings = The pre-check found nothing censors usually object to.
letter-summary-hint = Send it, change something, or cancel.
letter-warning-name = { $code ->
    [not-russian] a language other than Russian
    [war] the war
    [case] the criminal case
    [lgbt] LGBTQ+ topics
    [authorities] politics and the authorities
    [swearing] swearing
    [phone] a phone number
    [link] a link
    [email] an e-mail address
    [address] a postal address
    [codes] abbreviations or codes
   *[slogans] stock phrases
}
letter-send = 📨 Send
letter-already-sent = We already have your letter { $code }: no need to press again. You can follow it in “My letters”.
letter-edit = ✏️ Edit
letter-sent =
    ✅ Your letter to { $name } has been sent to us. Its code is { $code }, and its status is now “being checked”.

    What happens next:
    1. A volunteer reads it to make sure it will get past the prison censor.
    2. We print it and post it.
    3. When { $name } replies, the reply comes to this chat.

    We will tell you here about every step. Thank you for writing!
letter-expired = Your letter draft was closed because it had been left untouched for a long time, and its photos were deleted. You can start a new letter from the menu whenever you like.
letter-button-busy = You are writing a letter right now. Finish it, or send /cancel to leave it first.
letter-button-old = This button belongs to an earlier letter that is already closed.
letter-button-outdated = This button belongs to an earlier step. Please use the latest message.
letter-continue = ✍️ Continue the letter
letter-leave = 🗑 Discard the letter
letter-quit-confirm = Discard the draft? The letter will not be sent.
letter-continue-toast = Let's go on: your draft is kept.
letter-where = ✍️ Your letter to { $recipient }.
letter-where-nothing = Nothing is written yet.
letter-where-typed = Written so far: { $length } { $length ->
        [one] character
       *[other] characters
    } (about { $pages } printed { $pages ->
        [one] page
       *[other] pages
    }).
letter-where-pages = Pages so far: { $count } of at most { $max }.
letter-where-next-kind = Next: choose how to write it — type it here, or send photos of a handwritten letter.
letter-where-next-typed-empty = Next: type your letter and send it here; you can send it in several messages.
letter-where-next-typed = Next: send more text, or press “✅ Done” when the letter is finished.
letter-where-next-pages-empty = Next: send a photo of the first page.
letter-where-next-pages = Next: send more pages, or press “✅ Done” when all of them are here.
letter-where-next-precheck = Next: the check above found words the prison censor may object to. Edit the letter, or send it as it is.
letter-where-next-signature = Next: type the name to sign the letter with.
letter-where-next-review = Next: the letter is ready. Press “📨 Send” to send it as it is, or “✏️ Edit” to change something.
letter-start-in-flow = You are in the middle of a letter to { $name }. Would you like to continue it, or discard the draft?
letter-help-in-flow = Your letter draft is kept: just carry on where you were, or send /cancel to leave it.
letter-command-in-flow = You are writing a letter right now. Finish it first, or send /cancel to leave it (the draft will be deleted).
letter-not-accepted = { $kind ->
    [sticker] Stickers
    [voice] Voice and audio messages
    [video] Videos and GIFs
    [document] Files of this kind
   *[other] Messages of this kind
} cannot go into a letter.
letter-expect-text = We are waiting for the text of your letter: please send it as ordinary text messages.
letter-expect-pages = We are waiting for photos of the pages of your handwritten letter (or JPEG, PNG, WebP images), or press “Done”.
letter-expect-buttons = Please choose with the buttons in the message above.
letter-expect-signature = Please type the name to sign your letter with.
mod-card-awaiting-translation = 🌐 Waiting for a translation: reply to this card with the translated text and the letter goes to print.
op-refused = Sorry, this is not available to you.
op-usage = Usage: /operators list, /operators add <Telegram id> [admin], /operators remove <Telegram id>
op-added = Done: { $telegramId } is now { $role ->
    [admin] an administrator
   *[operator] an operator
} (#{ $id }).
op-removed = Done: { $telegramId } is no longer an operator. Their next press will be refused.
op-not-found = { $telegramId } is not an active operator.
op-admin-protected = { $telegramId } is listed in ADMIN_IDS: remove them from the bot's settings instead.
op-list-title = Operators: { $count }
op-list-line = #{ $id } · { $telegramId } · { $role ->
    [admin] administrator
   *[operator] operator
}
batch-button-posted = 📮 Mark as posted
batch-sent-to-printer = 🖨 Batch #{ $id } ({ $count } { $count ->
        [one] letter
       *[other] letters
    }) was sent to the printer { $printer }. The envelope list is attached.
batch-ready = 🖨 Batch #{ $id }: { $count } { $count ->
        [one] letter
       *[other] letters
    } in one PDF.
batch-envelopes = ✉️ Envelopes for batch #{ $id }. Press the button once the letters are at the post office.
batch-envelopes-file = envelopes-batch-{ $id }.xlsx
batch-pdf-file = batch-{ $id }.pdf
batch-empty = There are no new letters to print.
batch-closed = Batch #{ $id } ({ $count } { $count ->
        [one] letter
       *[other] letters
    }) is closed; preparing the PDF…
batch-posted = 📮 Batch #{ $id } posted ({ $count } { $count ->
        [one] letter
       *[other] letters
    }) — { $who }, { $at }. The writers have been told.
batch-already-posted = Batch #{ $id } is already marked as posted ({ $at }).
batch-failed = ⚠️ Batch #{ $id } could not be prepared for printing. See the bot's log for details; the letters stay in the batch.
reconcile-summary = 🔄 Reconciliation: re-queued { $items }.
reconcile-item-letters = { $count } { $count ->
        [one] letter
       *[other] letters
    } for printing
reconcile-item-cards = { $count } moderation { $count ->
        [one] card
       *[other] cards
    }
reconcile-item-replies = { $count } { $count ->
        [one] reply
       *[other] replies
    } for delivery
reconcile-item-batches = { $count } { $count ->
        [one] batch
       *[other] batches
    } for printing
reconcile-parked = { $count } more { $count ->
        [one] job stays
       *[other] jobs stay
    } among the failed ones, left alone: they were reported on their own.
reply-op-no-code = We can't tell which letter this reply belongs to. Reply to the letter's card, or put the letter code (like L-7K3Q) in the caption.
reply-op-unknown-code = There is no letter with the code { $code }.
reply-op-did-you-mean = Did you mean: { $codes }?
reply-op-not-posted = Letter { $code } has not been posted yet (status: { letters-status-name }), so it cannot have a reply. Please check the code.
reply-op-too-many = Too many pages in one reply (more than { $max }).
reply-op-rejected = The scan was not accepted: { $reason ->
    [too-large] the file is larger than { $max } MB
    [not-a-pdf] the file is called a PDF but is not one
    [corrupted] the file is damaged
    [download-failed] the file could not be downloaded, please try again
    [pdf-tools-missing] the server has no program to read PDFs (poppler-utils) — ask the admin to run sudo apt install poppler-utils, and send the scan as photos meanwhile
   *[unsupported-format] this format is not supported — send photos or a PDF
}. The reply was not saved.
reply-op-accepted = ✅ Reply to letter <b>{ $code }</b> accepted: from { $name } ({ $facility }) for writer #{ $writerId }, pages: { $pages }. Reply #{ $replyId }, { $at }. Delivering it now.
reply-op-blocked = ⚠️ Reply #{ $replyId } to letter { $code } was not delivered: writer #{ $writerId } has blocked the bot. The reply is kept; they will get it if they come back.
reply-op-failed = ⚠️ Reply #{ $replyId } to letter { $code } could not be delivered after several attempts. The reply is kept.
reply-delivery-first = 📬 You have a reply! { $name } has answered your letter { $code }. Page { $page } of { $total }.
reply-delivery-page = Page { $page } of { $total }.
reply-button-write-back = ✍️ Write back
menu-my-letters = 📬 My letters
command-letters = My letters and replies
letters-status-name = { $status ->
    [submitted] being checked
    [needs_changes] needs changes
    [rejected] rejected
    [approved] approved
    [printed] printed
    [posted] posted
    [held] on hold
   *[replied] reply received
}
letters-status-approved = ✅ Your letter { $code } has been checked and approved. We will print it soon.
letters-status-needs-changes = ✏️ Your letter { $code } needs a small change: { $reason ->
    [war] mentions of the war and the army
    [case] details of the criminal case
    [lgbt] topics that put the recipient in danger in prison
    [authorities] politics and remarks about the authorities
    [swearing] rude words
    [contacts] phone numbers, addresses, links or other contacts
    [codes] abbreviations, codes or foreign words
    [illegible] the handwriting or photo is hard to read
    [too-short] the letter is too short
    [other-changes] something needs fixing — see the rules
    [hostile] the letter is hostile or insulting
    [spam] the letter does not look personal
    [unsafe] the letter could harm the recipient
    [unreachable] this person cannot receive letters right now
    [duplicate] this letter has already been sent
   *[other-reject] the letter does not follow the rules
}. Please write it again with the fix — use the button below.
letters-status-rejected = We are sorry, your letter { $code } cannot be sent: { $reason ->
    [war] mentions of the war and the army
    [case] details of the criminal case
    [lgbt] topics that put the recipient in danger in prison
    [authorities] politics and remarks about the authorities
    [swearing] rude words
    [contacts] phone numbers, addresses, links or other contacts
    [codes] abbreviations, codes or foreign words
    [illegible] the handwriting or photo is hard to read
    [too-short] the letter is too short
    [other-changes] something needs fixing — see the rules
    [hostile] the letter is hostile or insulting
    [spam] the letter does not look personal
    [unsafe] the letter could harm the recipient
    [unreachable] this person cannot receive letters right now
    [duplicate] this letter has already been sent
   *[other-reject] the letter does not follow the rules
}. You are welcome to write a new one.
letters-status-printed = 🖨 Your letter { $code } is printed and waiting to be posted.
letters-status-posted = 📮 Your letter { $code } is in the post! Next it goes through the prison censor. If a reply comes, we will send it here.
letters-button-resubmit = ✏️ Fix and send again
letters-none = You have not written any letters yet.
letters-title = Your letters ({ $count }), by person. Choose someone to see your letters and their replies in order:
letters-more = More pen pals…
letters-not-found = This letter was not found.
letters-detail-title = <b>Letter { $code }</b> to { $name }
letters-history-line = { $date } — { $statusText }
letters-history-reason = reason: { $reasonText }
letters-open-reply = 📬 Reply { $n }, received { $date }
letters-reply-page = Reply to letter { $code }, page { $page } of { $total }.
letters-content-deleted = 🗑 { $kind ->
        [handwritten] The photos of this letter's pages were
       *[other] This letter's text was
    } deleted { $days } { $days ->
        [one] day
       *[other] days
    } after it was posted, as /privacy says. Its code and history stay.
letters-reply-deleted = 🗑 The scans of this reply to letter { $code } were deleted { $days } { $days ->
        [one] day
       *[other] days
    } after we sent them to you, as /privacy says. The pages we sent are still in this chat unless you deleted them.

# --- resubmission and late replies ---
letter-resubmit-unavailable = This letter is no longer waiting for changes: it has already been sent again, or a decision has been made. You can see its status in “My letters”.
letter-resubmit-intro =
    ✏️ Fixing letter { $code } to { $recipient }.

    A volunteer asked for a change: { $reasonText }. Please correct the letter: it keeps its code and goes back to be checked.
letter-resubmit-typed =
    Above is your letter as you sent it; it is your draft now. Press “Start over” and send the corrected text (you can copy the old text and edit it), or add to it with new messages.

    Length: at least { $min } and at most { $max } { $max ->
        [one] character
       *[other] characters
    }. Press “Done” when it is ready.
letter-resubmit-pages = { $count ->
        [one] Your page is
       *[other] Your { $count } pages are
    } in the draft again. Remove the last page, start over, or send more photos (up to { $max } { $max ->
        [one] page
       *[other] pages
    }). Press “Done” when it is ready.
letter-resubmitted =
    ✅ Your corrected letter to { $name } has been sent to us again, with the same code { $code }. Its status is “being checked” again: a volunteer will look at it once more.

    We will tell you here about every step.
mod-card-resubmitted = 🔁 Corrected after a request for changes: version { $version }
reply-op-delivered-late = ✅ Reply #{ $replyId } to letter { $code } has been delivered after all: writer #{ $writerId } came back to the bot.

# --- privacy ---
settings-privacy = 🔒 Privacy and my data
command-privacy = What we store about you, and deleting it
privacy-text =
    🔒 Your data in Lifeline

    What we keep:
    • your Telegram id (a number: that is how the bot knows this chat is yours);
    • the language you chose;
    • the name you sign your letters with;
    • your interests, if you chose any;
    • which version of the rules you accepted;
    • your letters and the replies to them;
    • if you turned reminders on: your clock (an offset from UTC, no place) and which reminders we sent.
    We keep all this until you delete it, except what letters and replies say: a letter's text, signature and page photos are deleted { $days } { $days ->
        [one] day
       *[other] days
    } after we post it, and the scans of a reply { $days } { $days ->
        [one] day
       *[other] days
    } after it reaches you. The letter's code, dates and status history stay, so you can still see what happened to it.
    What you type into search is kept for one day, without your id, only so that the pages of results work.

    What we never keep: your phone number, your Telegram username, your real name or your profile photo. Photos of handwritten letters are stored without their metadata (no location, no camera details).

    Who reads your letters: Lifeline volunteers, who check, print and post them, and the prison censor, who reads every letter and can pass it on to investigators. Write nothing you would not want them to see.

    You can delete everything we keep about you at any time.
privacy-button-delete = 🗑 Delete all my data
privacy-confirm =
    Delete all your data? This cannot be undone.

    What will be lost:
    • your letters ({ $letters }) and the replies to them ({ $replies }): texts, photos of pages and scans;
    { $unposted ->
        [0] • letters not yet posted would not be sent (you have none right now);
       *[other] • { $unposted } { $unposted ->
            [one] letter that has not been posted yet will not be sent
           *[other] letters that have not been posted yet will not be sent
        };
    }
    • replies that arrive later cannot reach you: we will no longer know who wrote the letter;
    • your signature name, interests and language.

    Messages in this chat stay in your Telegram; you can clear the chat yourself.
privacy-button-confirm = Yes, delete everything
privacy-button-keep = No, keep my data
privacy-deleted =
    Done. Everything Lifeline kept about you has been deleted: your letters, the replies, the photos and scans, your signature name, interests and settings. Thank you for the letters you wrote.

    If you write to the bot again, you will start from scratch.
privacy-already-deleted = Your data has already been deleted. Nothing about you is stored.
privacy-stale = This button is out of date. To delete your data, open /privacy again.
privacy-op-withdrawn = 🗑 A writer deleted all their data. These letters are withdrawn and must not be sent: { $codes }
privacy-op-withdrawn-printed = Already printed (batch { $batches }): { $codes }. Take them out of the stack and destroy the printouts.

# --- playground ---
playground-title = Lifeline playground
playground-intro = The real bot and its workers, with a local stand-in for Telegram: write as several people at once and moderate as an operator. Nothing leaves this computer.
playground-split = Two chats side by side
playground-page-language = Page language
playground-disconnected = Lost the connection to the playground. Reconnecting…
playground-error = That did not work:
playground-download = Download
playground-open = Open
playground-unsupported-button = This button only works in the real Telegram.
playground-edited = edited
playground-reply-action = Reply
playground-reply-to = Replying to
playground-operators-tab = Operators' chat
playground-group-subtitle = operators' group
playground-you-are = you are
playground-typing = typing…
playground-uploading-photo = sending a photo…
playground-uploading-document = sending a file…
playground-empty-private = Nothing here yet. Send /start to begin.
playground-empty-group = Letters to check arrive here as cards: press the buttons under a card to decide. Send /batch to get the letters to print, and send a reply scan as a photo with the letter's code in the caption.
playground-input-placeholder = Write a message…
playground-caption-placeholder = Add a caption…
playground-as-file = as a file
playground-attach = Attach photos or a file
playground-commands = Commands
playground-send = Send

# --- held letters and requests ---
letters-status-held = ⏸ Your letter { $code } is on hold: { $reason ->
    [recipient-released] its recipient has been released
   *[recipient-unreachable] we can no longer pass letters on to its recipient
}. We will not print or post it.
print-held = ⏸ Letter { $code } was not printed and is now on hold: { $reasonText }.
held-card = ⏸ Letter { $code } is on hold: { $reasonText }. It will not be printed or posted. If the person can receive letters again (the prisoner list says so), press “Send it on”; if the letter should not go at all, press “Cancel the letter” and the writer will be told kindly.
held-button-release = ▶️ Send it on
held-button-cancel = 🗑 Cancel the letter
held-not-held = Letter { $code } is no longer on hold: its status is { letters-status-name }.
held-still-unreachable = By the prisoner list, the recipient of { $code } still cannot receive letters, so the letter stays on hold. Update the list first, or cancel the letter.
held-released-toast = Sent on.
held-released = ▶️ Letter { $code } is on its way again (operator #{ $id }): { $status ->
    [submitted] it waits for a decision; its new card follows
   *[approved] it goes to print with the current address
}.
held-cancelled-toast = The letter is cancelled.
held-cancelled = 🗑 Letter { $code } is cancelled (operator #{ $id }). The writer has been told.
letters-status-hold-released = ▶️ Good news about your letter { $code }: it was on hold, and now it is on its way again. We will tell you when it is printed and posted.
letters-status-hold-released-many = ▶️ Good news: your letters that were on hold are on their way again — { $code } and { $more } more. We will tell you when they are printed and posted.
letters-status-held-cancelled = About your letter { $code }: we are sorry, but we cannot send it, because { $reason ->
    [recipient-released] its recipient has been released
   *[other] we can no longer pass letters on to its recipient
}. Thank you for writing it. You are welcome to write to someone else from the main menu.
import-report-reachable = ▶️ Can receive letters again: { $count }.
import-report-released = ▶️ Were on hold, now on their way again ({ $count }): { $codes }
import-report-title = 📋 The prisoner list was updated. Released: { $released }; transferred: { $transferred }; can no longer receive letters: { $unreachable }.
import-report-no-letters = No letters are on their way to these people.
import-report-held = ⏸ On hold, do not print or post ({ $count }): { $codes }
import-report-held-from-open-batch = ✂️ Taken out of the open batch and held ({ $count }): { $codes }
import-report-held-printed = ⚠️ Already printed: pull them from the batch and do not post ({ $count }): { $codes }
import-report-new-address = 🔁 Recipient transferred; will be printed with the new address ({ $count }): { $codes }
import-report-rerendered = 🔁 In the open batch, PDF rendered again with the new address ({ $count }): { $codes }
import-report-reprint = ⚠️ Printed with the old address: reprint them, new PDFs follow ({ $count }): { $codes }
import-report-batch = batch #{ $id }
import-report-reprint-caption = 🔁 { $code }: the new address. Print this instead of the old one.
command-requests = My requests to write to someone specific
requests-button = 📋 My requests
requests-title = Your requests to write to someone specific ({ $count }):
requests-none = You have not asked to write to someone specific yet. If the person you want is not in our list, open “🔎 Find a person” and choose “Write to someone specific”.
requests-item = R-{ $id } · { $name }, born { $year }
requests-status = { $status ->
    [open] 🔎 we are looking for the person
    [matched] ✅ found in our list: { $person }
    [not_found] ❌ we could not find the person
   *[declined] ⛔ declined: { $reason ->
        [unsafe] writing to this person could harm them
        [duplicate] the same request was already made
       *[other] we cannot pass letters on to this person
    }
}
requests-status-declined-reason = ⛔ declined: “{ $reason }”
requests-letter = your letter { $code }
requests-no-letter = no letter yet
requests-write = ✍️ Letter for request R-{ $id }
specific-found = ✅ Good news about your request R-{ $id }: we found the person in our list. Your letter will go to their address. You can open their card below.
specific-not-found = About your request R-{ $id }: unfortunately we could not find this person or a way to reach them. If you learn where they are held, you are welcome to send a new request.
specific-declined = About your request R-{ $id }: unfortunately we cannot pass a letter on to this person. The volunteers explain why:
opreq-title = 📋 Open requests to write to someone specific: { $count }
opreq-more = …and { $count } more (the oldest are shown first).
opreq-none = There are no open requests.
opreq-item = R-{ $id }: { $name }, born { $year }, { $facility } · { $letter }
opreq-facility-unknown = facility unknown
opreq-letter = letter { $code }
opreq-no-letter = no letter yet
opreq-button-found = ✅ R-{ $id }: found
opreq-button-not-found = ❌ R-{ $id }: not found
opreq-button-decline = ✋ R-{ $id }: decline
opreq-ask-decline-reason = ✋ R-{ $id }: reply to this message with the reason for declining, up to { $max } { $max ->
        [one] character
       *[other] characters
    }. The writer reads it word for word, so write it for them, in { $language ->
        [ru] Russian
       *[en] English
    } if you can.
opreq-decline-too-long = The reason is too long (over { $max } { $max ->
        [one] character
       *[other] characters
    }). Shorten it and reply to the prompt again.
opreq-declined = R-{ $id } is declined. The writer has been sent your reason.
opreq-ask-external-id = 🔎 R-{ $id }: reply to this message with the person's external id from the list (for example demo-003).
opreq-unknown-person = Nobody with the external id { $externalId } is in the list. Check it and reply again.
opreq-matched = R-{ $id } is linked to { $name } ({ $externalId }). The writer has been told.
opreq-marked-not-found = R-{ $id } is marked “not found”. The writer has been told.
opreq-already = This request has already been handled ({ $status ->
    [matched] found
    [not_found] not found
   *[declined] declined
}).
opreq-missing = This request no longer exists.

# --- letter idle ---
letter-idle-closed = Your letter draft was closed because it had no activity for a day. Nothing was sent. Whenever you're ready, you can start a new letter from the menu.
letter-idle-menu = 🏠 Main menu

# --- setup (operators' chat, /whoami, menus, description) ---
bot-description = Lifeline gets letters to political prisoners in Russia. We suggest someone who is waiting for a letter, help you write one the prison censor will let through, and our volunteers print it and post it for free. When the answer comes, we send it to this chat. Press Start to begin.
bot-short-description = Write a letter to a political prisoner in Russia: we print it, post it and bring the reply to you.
command-setup = Make this group the operators' chat
command-whoami = Show my Telegram id
command-op-batch = Close the print batch: PDF and envelope list
command-op-requests = Open requests to write to someone specific
command-op-operators = Manage operators (administrators)
setup-group-intro =
    👋 Hello! This is Lifeline.

    If this is your volunteers' group, a Lifeline administrator can make it the operators' chat with one press: new letters will then arrive here for moderation, with print batches and replies.

    This group's id: { $chatId }
setup-group-replaces = Right now the operators' chat is another group ({ $currentId }). Pressing the button moves it here.
setup-button-bind = ✅ Make this the operators' chat
setup-bound =
    ✅ Done: this group is now the operators' chat (id { $chatId }).

    New letters arrive here as cards to approve. /batch closes a print batch, /requests lists writers' requests. Add volunteers with /operators add <Telegram id>: each of them can see their id by sending /whoami to the bot in a private chat.
setup-group-already = ✅ This group is the operators' chat (id { $chatId }). New letters arrive here as cards; /batch closes a print batch, /requests lists writers' requests.
setup-bound-not-admin = ⚠️ Please make the bot an administrator of this group (group settings → Administrators). Otherwise we do not see the reply scans you send here.
setup-not-admin =
    Only a Lifeline administrator can make this group the operators' chat.

    Your Telegram id: { $userId }. If you run this bot, make yourself an administrator on the server with `npm run cli -- operators add { $userId } --admin` (no restart needed), or add the id to ADMIN_IDS and restart the bot. Then send /setup here again.
setup-not-admin-alert = Only a Lifeline administrator can do this. Your Telegram id: { $userId }. The person who runs the bot can make you an administrator.
setup-moved-away = This group is no longer the operators' chat: it was moved to another group. New letters will not arrive here any more.
setup-migrated = This group has become a supergroup and got a new id ({ $chatId }). It is still the operators' chat; nothing else to do.
setup-private = /setup works in a group: add the bot to your volunteers' group and we will post a button there that makes it the operators' chat (or send /setup in that group). To see your own Telegram id, send /whoami.
setup-state-none = There is no operators' chat yet: add the bot to your volunteers' group and press the button we post there.
setup-state-bound = The operators' chat now: { $chatId } ({ $source ->
    [env] from OPERATORS_CHAT_ID
   *[other] set in Telegram
    }).
setup-list-empty-operators = ⚠️ The list of prisoners is empty, so writers are told that we have nobody to suggest yet. Load the list on the server: npm run cli -- prisoners import <file> (the format is in docs/prisoner-import.md).
setup-list-unreachable-operators = ⚠️ { $total ->
        [one] The one person in the list cannot receive letters right now
       *[other] None of the { $total } people in the list can receive letters right now
    } (no address, protected, or released), so writers are told that we have nobody to suggest yet. Update the list on the server: npm run cli -- prisoners import <file>.
write-list-empty = We are sorry: right now there is nobody we can suggest. Our list of people to write to is empty or being updated, and our volunteers already know about it. Please look in again in a few days. Thank you for wanting to help!
whoami-user = Your Telegram id: { $userId }
whoami-role-admin = You are a Lifeline administrator.
whoami-role-operator = You are a Lifeline operator.
whoami-role-none = A Lifeline administrator needs this number to make you an operator.
whoami-chat = This chat's id: { $chatId }
whoami-chat-operators = This chat's id: { $chatId }. It is the operators' chat.

## Replies translated (issue 12)
reply-op-needs-translation = 🌐 The writer reads { $language ->
        [en] English
       *[other] another language
    }, not Russian. <b>Reply to this message with the translation</b> (text): the scans go to the writer now with a note that a translation is coming, and the translation follows.
reply-op-needs-translation-held = 🌐 The writer reads { $language ->
        [en] English
       *[other] another language
    }, not Russian. <b>Reply to this message with the translation</b> (text): the scans wait for it, then the writer gets both together.
reply-op-translation-asked = 🌐 Writer #{ $writerId } asks for a translation of reply #{ $replyId } to letter <b>{ $code }</b> into { $language ->
        [en] English
       *[other] their language
    }. <b>Reply to this message with the translation</b> (text). The scans are in the message this one answers, if it is still in the chat.
reply-op-translation-sending = ✅ Translation of reply #{ $replyId } (letter { $code }) saved. Sending it to the writer now.
reply-op-translation-with-scans = ✅ Translation of reply #{ $replyId } (letter { $code }) saved. The scans and the translation go to the writer now.
reply-op-translation-after-scans = ✅ Translation of reply #{ $replyId } (letter { $code }) saved. It goes to the writer right after the scans.
reply-op-translation-already-sent = The writer has already received the translation of reply #{ $replyId } (letter { $code }); it cannot be changed now.
reply-op-translation-not-needed = Reply #{ $replyId } (letter { $code }) needs no translation: its writer reads Russian.
reply-delivery-translation-coming = 🌐 A translation is coming: our volunteers are translating this reply, and we will send it here.
reply-translation-header = 🌐 Translation of the reply from { $name } to your letter { $code }:
reply-translation-footer = <i>Translated by our volunteers.</i>
letters-translation-asked = 🌐 We have asked our volunteers to translate the reply to your letter { $code }. We will send the translation here.
letters-translation-coming = The translation of this reply is on its way: we will send it here as soon as it is ready.
letters-translation-unavailable = We cannot ask for a translation right now. Please try again later.

## My letters by person (issue 12)
letters-pal-item = { $name } · ✉️ { $letters } · 📬 { $replies }
letters-thread-title = <b>{ $name }</b>: { $letters } { $letters ->
        [one] letter
       *[other] letters
    } from you, { $replies } { $replies ->
        [one] reply
       *[other] replies
    }
letters-thread-page = Page { $page } of { $pages }
letters-thread-mine = { $date } ✉️ Your letter { $code } — { $statusText }
letters-thread-theirs = { $date } 📬 Their reply, { $pages } { $pages ->
        [one] page
       *[other] pages
    }{ $translation ->
        [sent] , 🌐 translated
        [coming] , 🌐 translation coming
       *[none] {""}
    }
letters-thread-earlier = ◀️ Earlier
letters-thread-later = Later ▶️
letters-button-letter = ✉️ { $code }
letters-button-reply = 📬 Reply { $date }
letters-button-translation = 🌐 Translation { $date }
letters-button-write-again = ✍️ Write again

## Reminders (issue 12)
settings-reminders = 🔔 Reminders
reminders-about =
    🔔 Reminders

    Now and then we can remind you to write:
    • { $lead } { $lead ->
        [one] day
       *[other] days
    } before the birthday of someone you have written to;
    • when a reply has waited a week for your answer;
    • when a month has passed since we suggested someone to write to and no letter has gone yet.
    At most one reminder a day, between { $from }:00 and { $until }:00 your time. Nothing is sent unless you turn reminders on, and every reminder has a button to stop them.
reminders-state = { $state ->
        [on] Reminders are on.
       *[off] Reminders are off.
    }
reminders-clock = Your time now: { $time } ({ $offset }). If your clock shows a different time, set it with the buttons below.
reminders-button-on = 🔔 Turn reminders on
reminders-button-off = 🔕 Turn reminders off
reminders-button-earlier = ◀️ An hour earlier
reminders-button-later = An hour later ▶️
reminders-turned-on = Reminders are on.
reminders-turned-off = Reminders are off.
reminders-stopped = 🔕 Done: we will not send you reminders any more. To get them back, turn them on in /settings → Reminders.
reminder-birthday = 🎂 In { $days } { $days ->
        [one] day
       *[other] days
    }, on { $date }, it is the birthday of someone you have written to: { $name }. A card or a few warm lines mean a lot, and letters take a while to arrive, so now is a good time to write.
reminder-reply = 📬 { $days } { $days ->
        [one] day
       *[other] days
    } ago we forwarded you a reply from { $name }, and no letter has gone back yet. Would you like to write? A few lines are enough to keep the conversation going.
reminder-assignment = ✉️ { $days } { $days ->
        [one] day
       *[other] days
    } ago we suggested you write to { $name }, and no letter has gone yet. It is not too late: a first letter can be short.
reminder-footer = You get reminders because you turned them on in Settings.
reminder-button-write = ✍️ Write now
reminder-button-stop = 🔕 Stop these reminders

## Operators' languages (issue 12): /lang, the operators' /help
command-op-lang = My language in the operators' chat
command-op-help = What operators can do here
op-lang-current =
    Your language in the operators' chat: { $language ->
        [ru] Russian
       *[en] English
    }.
    Messages for everyone here (new letter cards, batch and import summaries) are in { $chatLanguage ->
        [ru] Russian
       *[en] English
    }. Choose yours below, or send /lang ru or /lang en.
op-lang-set = Done: from now on we answer you in English. Messages for everyone here stay in { $chatLanguage ->
    [ru] Russian
   *[en] English
}.
op-lang-not-operator = /lang chooses a language for Lifeline operators. To change the language of the bot, send /language.
op-help-text =
    The operators' chat

    New letters arrive here as cards: ✅ approves a letter, ✏️ sends it back for changes, ⛔ rejects it (with a reason). Reply to a card with text to attach the letter's Russian translation.
    Replies from prisoners: send the scans (photos or a PDF) here, replying to the letter's card or with its code (L-…) in the caption. When a writer reads no Russian, reply to the "reply accepted" message with the translation.

    Commands:
    /batch — close the print batch: the PDF and the envelope list
    /requests — open requests to write to someone specific
    /lang — my language in this chat (Russian or English)
    /operators — manage operators (administrators)
    /whoami — my Telegram id and role
    /help — this help
