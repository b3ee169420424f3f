"""Whether a question is in the corpus's field, and what kind of answer it asks for (kb/scope.py)."""

from __future__ import annotations

import pytest

from kb.scope import asks_for_figures, in_field, treaties_may_answer, unmet_expectation

NAMES = {"cets no 197": "CETS No 197", "aufenthg": "AufenthG", "ecat": "CETS No 197"}


@pytest.mark.parametrize(
    "question",
    [
        "Can a victim get a residence permit while she helps the prosecution?",
        "The employer kept her passport in his safe. Is that a federal crime?",
        "Who counts as a person in need of protection - risk of torture?",
        "what does ECAT say about the 30 days",  # an instrument the corpus holds, by its alias
        "AufenthG 25",  # a citation
        # what was done to them, in their own words
        "he is in prison now. will somebody tell me if they let him out?",
        "they paid us nothing and the foreman threatened us with a gun",
        "Mijn cliënte werd door haar pooier gedwongen drugs te vervoeren.",
        "The man who forced me to work on his farm was convicted. Will the judge order him to pay me?",
        "Mein Mann wurde in den USA als Erntehelfer ausgebeutet und bedroht.",  # the participle, not "ausbeut*"
        "Trabajé dos años en una granja casi sin sueldo y bajo amenazas.",
        "Чи має значення за Палермським протоколом те, що вона погодилася?",
        "Czy to juz jest handel ludzmi wedlug holenderskiego prawa?",  # typed without its accents
        "Em gái tôi bị bán sang nước ngoài, giờ muốn về Việt Nam.",  # "was sold"
        "هل هذا يعتبر عمل قسري حسب القانون الأمريكي؟",  # forced labour, without the article
        "Kailangan ko bang tumestigo laban sa dati kong amo?",  # testifying, in Tagalog
        "Ein Jugendlicher wurde in einer Cannabisplantage gefunden.",  # where children are exploited
        "Was sagt die EU-Menschenhandelsrichtlinie zu Schulungen?",  # the field inside a compound
        "Muss sie jetzt ausreisen, nachdem sie gegen ihre Zuhälter ausgesagt hat?",
        "Workers on a farm in Brandenburg are paid 2 euros an hour and live in a container.",  # pay far too low
        "Mój mąż pracował na budowie za 3 euro na godzinę i nie ma dokąd pójść.",
        "Polak miesiącami pracował w myjni za darmo i spał w magazynie.",  # worked for nothing
        # brought into the country by someone, as a moved child tells it
        "A man brought me to this country when I was 15 and I work in his kitchen.",
        "Con trai tôi 16 tuổi bị đưa sang Anh làm ở tiệm nail.",
        "Un bărbat m-a adus în Germania când aveam 17 ani.",
        "The CBSA is holding my nephew at the airport.",
        # the criminal case against the exploiter, a debt owed to him, being kept and prosecuted
        "He pleaded guilty in federal court last week. Do I get to speak before the sentence?",
        "El dueño dice que le debo el pasaje y que no me puedo ir hasta pagarlo.",
        "Trabalhei seis meses numa fazenda e o patrão nunca me pagou.",
        "Мене просять свідчити проти колишнього роботодавця.",
        "Hij werd opgesloten in een hennepkwekerij en wordt nu zelf vervolgd.",
        "Ma sœur est poursuivie pour des vols qu'on l'a obligée à commettre.",
        "العصابة أخذت مني كل شيء",
    ],
)
def test_questions_of_the_field_are_in_it(question):
    assert in_field(question, NAMES)


@pytest.mark.parametrize(
    "question",
    [
        "How do courts decide who gets custody of the children after a divorce?",
        "Which home office expenses can a self-employed person deduct from income tax?",
        "merger control thresholds for notifying a takeover",
        "Can a residential tenancy deposit be kept for cleaning?",  # "resident" is a whole word
        "Làm sao đăng ký cho con vào trường tiểu học và cần giấy tờ gì?",  # "papers" for a school is no status
        "Tôi muốn mở tiệm nail riêng, cần giấy phép kinh doanh gì?",  # a nail salon of one's own is a business
        "Do we pay duty on the furniture we brought over from Spain?",  # things brought, not a person
    ],
)
def test_other_fields_of_law_are_not(question):
    assert not in_field(question, NAMES)


def test_figures_are_statistics_averages_and_processing_times_not_durations_in_law():
    assert asks_for_figures("How many T visas were granted in 2023?")
    assert asks_for_figures("How long does the authority take on average to decide?")
    assert asks_for_figures("current processing time for a TRP")
    assert asks_for_figures("How long is the agency currently taking to decide?")
    assert asks_for_figures("number of referrals to the NRM in 2023 by nationality")
    assert not asks_for_figures("After how many years on a TRP can she become a permanent resident?")
    assert not asks_for_figures("How long is the reflection period?")


def test_an_amount_or_a_number_must_be_in_the_quotes():
    fee = "What is the filing fee for the application?"
    assert "amount of money" in unmet_expectation(fee, ["The Secretary may waive the fee."])
    assert unmet_expectation(fee, ["The fee is $100 for each applicant."]) is None
    assert unmet_expectation("How much time does she have to apply?", ["within 90 days"]) is None
    weight = "How much weight does past trafficking carry in a protection claim?"
    assert unmet_expectation(weight, ["Past persecution is a serious indication of risk."]) is None
    phone = "Which phone number does the hotline use?"
    assert "telephone number" in unmet_expectation(phone, ["The Secretary shall establish a hotline."])
    assert unmet_expectation(phone, ["Call 1-888-373-7888 at any time."]) is None
    assert unmet_expectation("Can she stay?", ["She may stay."]) is None
    # a sentence, not an amount; and "how much" of a penalty is no sum of money
    assert unmet_expectation("It never got smaller no matter how much I worked. Is that trafficking?", ["x"]) is None
    assert unmet_expectation("How much prison time can traffickers face?", ["ten years"]) is None


def test_how_a_court_measures_what_the_offender_pays_answers_how_much():
    cap = "Can the court order the trafficker to pay compensation, and is there a cap on how much?"
    ceiling = "The amount of a reparation order must not exceed the amount of the confiscation order."
    assert unmet_expectation(cap, [ceiling]) is None
    losses = "How much restitution does the court order the trafficker to pay?"
    order = "The court shall order restitution of the full amount of the victim's losses."
    assert unmet_expectation(losses, [order]) is None
    # the words alone, about nothing the question asks, are no answer
    assert "amount of money" in unmet_expectation("How much is the visa fee?", ["The full amount of the losses."])


@pytest.mark.parametrize(
    ("question", "unmet"),
    [
        ("¿Cuál es el número de teléfono de la línea contra la trata?", "telephone number"),
        ("Qual è l'indirizzo email dell'ufficio del Commissario?", "contact details"),
        ("What is the email address of the Independent Anti-Slavery Commissioner?", "contact details"),
        ("Скільки коштує подати заяву на дозвіл на проживання?", "amount of money"),
        ("Hoeveel leefgeld per week krijgt een slachtoffer in de opvang?", "amount of money"),
        ("Mein Flug hatte Verspätung. Wie viel Entschädigung steht mir zu?", "amount of money"),
    ],
)
def test_what_a_question_asks_for_is_read_in_other_languages(question: str, unmet: str):
    assert unmet in unmet_expectation(question, ["The competent authority shall decide on the application."])


def test_figures_are_read_in_other_languages_and_law_words_are_not_taken_for_them():
    assert asks_for_figures("Wie viele Wochen braucht die Ausländerbehörde im Durchschnitt?")
    assert asks_for_figures("Combien de victimes ont été identifiées ? Donnez une statistique.")
    assert not asks_for_figures("Wie lange dauert die Bedenkzeit nach dem Aufenthaltsgesetz?")
    # how long an office takes, in the words questions use for it
    assert asks_for_figures("Quel est le délai normal à la préfecture pour un renouvellement ?")
    assert asks_for_figures("Ile się czeka na kartę pobytu w urzędzie wojewódzkim?")
    assert not asks_for_figures("Jak długo trwa okres na zastanowienie dla ofiary handlu ludźmi?")
    # an English word another language's phrase begins with is not that phrase ("site", "in media")
    building_site = "I worked on a building site in Germany and the boss never paid me. Can I get my wages?"
    assert unmet_expectation(building_site, ["The employer shall pay the agreed remuneration."]) is None
    assert not asks_for_figures("The case was reported in media across Europe: can the victim stay?")


def test_how_many_with_a_year_is_a_statistic_in_any_language_but_a_year_in_a_name_is_not():
    assert asks_for_figures("Combien de victimes de la traite ont été identifiées en Allemagne en 2022 ?")
    assert asks_for_figures("Ile ofiar handlu ludźmi zidentyfikowano w 2023?")
    assert not asks_for_figures("Combien de jours de délai de rétablissement la victime a-t-elle ?")
    assert not asks_for_figures("Wie viele Jahre Haft drohen nach der Richtlinie 2011/36/EU?")
    assert not asks_for_figures("Ile lat więzienia grozi według Modern Slavery Act 2015?")
    assert not asks_for_figures("Trabajé de forma ilegal en 2019 y me quitaron el pasaporte. ¿Puedo quedarme?")


@pytest.mark.parametrize(
    ("question", "language", "answerable"),
    [
        ("What residence permit can a trafficking victim get in France?", "en", True),
        ("In Italia una vittima di tratta può ottenere il permesso di soggiorno?", "it", True),
        ("Ik studeer in Gent en mijn verblijfskaart als student loopt af. Hoe verleng ik die?", "nl", False),
        ("¿Qué pena prevé el artículo 177 bis del Código Penal español para la trata?", "es", False),
        ("Ano ang karapatan ng biktima sa ilalim ng Republic Act 9208?", "tl", False),
        ("¿Cuánto dinero al mes recibe una víctima de trata en un piso de acogida en España?", "es", False),
        # "tráfico" is traffic in Spanish, trafficking in Portuguese: read in the question's language
        ("Me ha llegado una multa de tráfico de Francia. ¿Estoy obligado a pagarla?", "es", False),
    ],
)
def test_treaties_answer_only_a_question_about_trafficking_in_a_state_without_its_law(question, language, answerable):
    assert treaties_may_answer(question, language) is answerable
