"""The starter glossary: civic terms Apertium gets wrong, each checked on a real sentence.

`check` is (the sentence, what Apertium made of it without the glossary, what the translation
must contain with it); tests/test_glossary_starter.py runs Apertium on each one. Terms Apertium
already translates well were left out (en->es "best practices", "potholes", "open data" from
Spanish and Portuguese, es->pt "aguas residuales" and "audiencia pública").
Loaded by `flask --app wsgi glossary load-starter` (idempotent) and by the demo seed.
"""
from __future__ import annotations


def _prefer(source: str, target: str, term: str, translation: str, check: tuple[str, str, str], *,
            term_plural: str | None = None, translation_plural: str | None = None, note: str | None = None) -> dict:
    return {"kind": "prefer", "source_language": source, "target_language": target, "term": term,
            "translation": translation, "term_plural": term_plural, "translation_plural": translation_plural,
            "note": note, "check": check}


STARTER: list[dict] = [
    # English -> Spanish (eng-spa)
    _prefer("en", "es", "dashboard", "tablero",
            ("Our dashboards are public.", "Nuestros salpicaderos son públicos.", "tableros")),
    _prefer("en", "es", "open data", "datos abiertos",
            ("We publish open data every week.", "Publicamos dato abierto cada semana.", "datos abiertos")),
    _prefer("en", "es", "job description", "descripción de puesto",
            ("The job description is online.", "La descripción de trabajo es on-line.", "descripción de puesto")),
    _prefer("en", "es", "city hall", "alcaldía",
            ("The city hall opened a new service.", "La sala de ciudad abrió un servicio nuevo.", "alcaldía")),
    _prefer("en", "es", "public hearing", "audiencia pública",
            ("The public hearing is on Monday.", "El oído público es el lunes.", "audiencia pública")),
    _prefer("en", "es", "participatory budgeting", "presupuesto participativo",
            ("Participatory budgeting works.", "Participativo *budgeting obras.", "Presupuesto participativo")),
    _prefer("en", "es", "stakeholder", "parte interesada", translation_plural="partes interesadas",
            check=("We need a stakeholder map.", "Necesitamos un *stakeholder mapa.", "parte interesada")),
    _prefer("en", "es", "wastewater", "aguas residuales",
            ("The wastewater plant is new.", "El *wastewater la planta es nueva.", "aguas residuales")),
    # English -> Portuguese (eng-spa, then es-pt_BR)
    _prefer("en", "pt", "dashboard", "painel", translation_plural="painéis",
            check=("Our dashboards are public.", "Nossos salpicaderos são públicos.", "painéis")),
    _prefer("en", "pt", "open data", "dados abertos",
            ("We publish open data every week.", "Publicamos dado aberto a cada semana.", "dados abertos")),
    _prefer("en", "pt", "job description", "descrição de cargo",
            ("The job description is online.", "A descrição de trabalho é on-line.", "descrição de cargo")),
    _prefer("en", "pt", "pothole", "buraco",
            ("Residents report potholes on the street.", "Baches de relatório dos residentes na rua.", "buracos")),
    _prefer("en", "pt", "city hall", "prefeitura",
            ("The city hall opened a new service.", "A sala de cidade abriu um serviço novo.", "prefeitura")),
    _prefer("en", "pt", "public hearing", "audiência pública",
            ("The public hearing is on Monday.", "O ouvido público é a segunda-feira.", "audiência pública")),
    _prefer("en", "pt", "participatory budgeting", "orçamento participativo",
            ("Participatory budgeting works.", "Participativo budgeting obras.", "Orçamento participativo")),
    # Spanish -> English (spa-eng)
    _prefer("es", "en", "descripción de puesto", "job description",
            ("La descripción de puesto está en línea.", "The description of place is on line.", "job description")),
    _prefer("es", "en", "presupuesto participativo", "participatory budgeting",
            ("El presupuesto participativo funciona.", "The participatory estimate works.",
             "participatory budgeting")),
    _prefer("es", "en", "audiencia pública", "public hearing",
            ("La audiencia pública es el lunes.", "The public audience is the Monday.", "public hearing")),
    _prefer("es", "en", "tablero", "dashboard",
            ("El tablero muestra los datos.", "The board shows the data.", "dashboard")),
    _prefer("es", "en", "aguas residuales", "wastewater", term_plural="aguas residuales",
            check=("Las aguas residuales llegan a la planta.", "The residual waters arrive to the plant.",
                   "wastewater")),
    # Spanish -> Portuguese (es-pt_BR)
    _prefer("es", "pt", "bache", "buraco",
            ("Hay baches en la calle.", "Há *baches na rua.", "buracos")),
    _prefer("es", "pt", "tablero", "painel", translation_plural="painéis",
            check=("Los tableros muestran los datos.", "Os tabuleiros mostram os dados.", "painéis")),
    _prefer("es", "pt", "descripción de puesto", "descrição de cargo",
            ("La descripción de puesto está en línea.", "A descrição de posto está em linha.", "descrição de cargo")),
    # Portuguese -> Spanish (pt-es)
    _prefer("pt", "es", "buraco", "bache",
            ("Há muitos buracos na rua.", "Hay muchos agujeros en la calle.", "baches")),
    _prefer("pt", "es", "painel", "tablero", term_plural="painéis",
            check=("O painel mostra os dados.", "El panel muestra los datos.", "tablero")),
    # Portuguese -> English (pt-es, then spa-eng)
    _prefer("pt", "en", "painel", "dashboard", term_plural="painéis",
            check=("O painel mostra os dados.", "The signpost shows the data.", "dashboard")),
    _prefer("pt", "en", "descrição de cargo", "job description",
            ("A descrição de cargo está online.", "The description of charge is on-line.", "job description")),
    _prefer("pt", "en", "orçamento participativo", "participatory budgeting",
            ("O orçamento participativo funciona.", "The participatory estimate works.", "participatory budgeting")),
    _prefer("pt", "en", "buraco", "pothole",
            ("Há muitos buracos na rua.", "There are a lot of holes in the street.", "potholes")),
    _prefer("pt", "en", "audiência pública", "public hearing",
            ("A audiência pública é na segunda-feira.", "The public audience is the Monday.", "public hearing")),
]
