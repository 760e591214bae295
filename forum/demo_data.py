"""Demo content for a fresh forum: a few cities of the network, their people and real-looking threads.

Written for this project in the three languages of the network.
"""
from __future__ import annotations

DEMO_PASSWORD = "demo-password-2026"

CITIES = [
    # (name, country code, default language)
    ("Monterrey", "MX", "es"),
    ("Medellín", "CO", "es"),
    ("Curitiba", "BR", "pt"),
    ("Recife", "BR", "pt"),
    ("Tucson", "US", "en"),
    ("Halifax", "CA", "en"),
]

# (email, display name, city, role, language)
MEMBERS = [
    ("admin@network.example.org", "Network admin", "Tucson", "admin", "en"),
    ("lucia.garza@monterrey.example.org", "Lucía Garza", "Monterrey", "moderator", "es"),
    ("andres.rios@medellin.example.org", "Andrés Ríos", "Medellín", "member", "es"),
    ("marina.souza@curitiba.example.org", "Marina Souza", "Curitiba", "moderator", "pt"),
    ("joao.lima@recife.example.org", "João Lima", "Recife", "member", "pt"),
    ("sam.carter@tucson.example.org", "Sam Carter", "Tucson", "member", "en"),
    ("priya.nair@halifax.example.org", "Priya Nair", "Halifax", "member", "en"),
]

# Each thread: category slug, title, language, author email, body, then replies (author, language, body).
THREADS = [
    {
        "category": "questions",
        "title": "¿Cómo redujeron las fugas en la red de agua potable?",
        "language": "es",
        "author": "lucia.garza@monterrey.example.org",
        "body": """En Monterrey perdemos cerca del **30 %** del agua que bombeamos. Hoy atendemos unas 20,000 fugas
reportadas al año y el tiempo medio de reparación es de 9 días.

Quisiera saber de ciudades que hayan bajado esas cifras:

1. ¿Sectorizaron la red en distritos hidrométricos?
2. ¿Qué sensores usaron para detectar fugas no visibles?
3. ¿Cómo priorizan las reparaciones?

Nuestro tablero público está en https://agua.monterrey.example.org/fugas por si quieren comparar.""",
        "replies": [
            ("marina.souza@curitiba.example.org", "pt",
             """Em Curitiba dividimos a rede em 180 setores com macromedição na entrada de cada um.
Só isso reduziu as perdas de 38 % para 26 % em quatro anos.

- Sensores acústicos nas adutoras principais
- Reparo em até **48 horas** para vazamentos visíveis
- Um painel semanal com os 10 setores que mais perdem

Posso compartilhar o edital da contratação dos sensores, se ajudar. @JoãoLima, vocês em Recife
também usam macromedição?"""),
            ("priya.nair@halifax.example.org", "en",
             """Halifax went through the same thing. Pressure management made the biggest difference for us:
lowering night pressure by 10 m cut new breaks by about a third.

We prioritise repairs with a simple score: `flow_lost * population_served`. Happy to share the spreadsheet."""),
        ],
    },
    {
        "category": "jobs",
        "title": "Job description: Senior Data Analyst, Office of Performance",
        "language": "en",
        "author": "sam.carter@tucson.example.org",
        "body": """We are hiring and thought other cities might want to compare roles.

## About the role
The Senior Data Analyst builds the dashboards our departments use to track service levels
(potholes, permits, 311 response times) and helps managers turn numbers into decisions.

## Responsibilities
- Maintain the performance data warehouse and its nightly loads
- Publish monthly service-level reports for 12 departments
- Train staff to read and question the data

## Requirements
- 4+ years of analytics experience, SQL and one scripting language
- Experience presenting to elected officials

| Item | Detail |
|------|-------:|
| Salary range | $72,000 – $91,000 |
| Schedule | Hybrid, 3 days on site |
| Closes | March 15 |

Questions: performance@tucson.example.org""",
        "replies": [
            ("andres.rios@medellin.example.org", "es",
             """Gracias por compartirlo. En Medellín tenemos un cargo parecido, pero sin la parte de capacitación.
¿Cuántas personas tiene el equipo de desempeño?"""),
        ],
    },
    {
        "category": "best-practices",
        "title": "Boas práticas: faixas exclusivas de ônibus que funcionaram",
        "language": "pt",
        "author": "marina.souza@curitiba.example.org",
        "body": """Reunimos aqui o que aprendemos em 40 anos de BRT e nos últimos 5 anos de faixas exclusivas.

### O que funcionou
1. Fiscalização por câmera desde o primeiro dia
2. Embarque em nível e pagamento antes do embarque
3. Publicar os tempos de viagem antes e depois

### Resultados
| Corredor | Antes | Depois |
|----------|------:|-------:|
| Linha Verde | 52 min | 38 min |
| Boqueirão | 47 min | 35 min |

> A faixa só funciona se for respeitada. Sem fiscalização, em seis meses ela vira estacionamento.

Dúvidas? Marquem @Marina ou escrevam para mobilidade@curitiba.example.org.""",
        "replies": [
            ("joao.lima@recife.example.org", "pt",
             "Muito obrigado pela ajuda! Em Recife vamos começar a fiscalização por câmera em julho."),
            ("lucia.garza@monterrey.example.org", "es",
             "Excelente resumen. ¿Qué porcentaje de las multas se pagan realmente?"),
        ],
    },
    {
        "category": "jobs",
        "title": "Descripción de puesto: Coordinador/a de Movilidad Urbana",
        "language": "es",
        "author": "andres.rios@medellin.example.org",
        "body": """La Secretaría de Movilidad de Medellín busca una persona para coordinar proyectos de movilidad activa.

**Funciones principales**
- Coordinar el diseño de 25 km de ciclorrutas nuevas por año
- Trabajar con las juntas de acción comunal de cada comuna
- Medir el uso con contadores automáticos y publicar los datos

**Perfil**
- Ingeniería civil, urbanismo o afines
- 5 años de experiencia en proyectos de espacio público

Salario: COP 9.800.000 mensuales. Enviar hoja de vida antes del 30 de abril.""",
        "replies": [],
    },
    {
        "category": "questions",
        "title": "Alguém usa sensores para monitorar alagamentos em tempo real?",
        "language": "pt",
        "author": "joao.lima@recife.example.org",
        "body": """Recife tem mais de 60 pontos críticos de alagamento. Queremos instalar sensores de nível
nos canais e avisar a população por SMS.

Quem já fez algo parecido? Interessa saber o custo por ponto e a manutenção.""",
        "replies": [
            ("lucia.garza@monterrey.example.org", "es",
             """Sí, en Monterrey instalamos 35 sensores ultrasónicos en arroyos después del huracán Alex.
Costo aproximado: USD 4,500 por punto, más el enlace celular. El mantenimiento es lo más difícil:
la basura tapa los sensores después de cada tormenta."""),
        ],
    },
    {
        "category": "general",
        "title": "Welcome to the network forum",
        "language": "en",
        "author": "admin@network.example.org",
        "body": """Welcome! Write in English, Spanish or Portuguese: every post is stored in the language you wrote it in,
and readers can always see the original.

- Ask peers in **Questions**
- Share openings in **Job descriptions**
- Moderators curate **Best practices**

Please keep personal data out of posts.""",
        "replies": [
            ("marina.souza@curitiba.example.org", "pt", "Obrigada! Bom ter todos aqui."),
            ("andres.rios@medellin.example.org", "es", "¡Gracias! Muy útil."),
        ],
    },
]
