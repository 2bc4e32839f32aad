<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>PlanDialog</name>
    <message>
        <source>Service plan</source>
        <translation>服务方案</translation>
    </message>
    <message>
        <source>New service plan</source>
        <translation>新建服务方案</translation>
    </message>
    <message>
        <source>The financial services the bank will provide to this customer (settlement, credit, wealth, supply-chain finance…).</source>
        <translation>本行将为该客户提供的配套金融服务（结算、授信、财富管理、供应链金融等）。</translation>
    </message>
    <message>
        <source>Products and services</source>
        <translation>产品与服务</translation>
    </message>
    <message>
        <source>(nobody yet)</source>
        <translation>（尚未指定）</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Next review</source>
        <translation>下次复核</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>PlanReviews</name>
    <message>
        <source>Plan reviews ({count})</source>
        <translation>方案复核（{count}）</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Review on</source>
        <translation>复核日期</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>已等待</translation>
    </message>
    <message>
        <source>Prospect</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Provides</source>
        <translation>服务内容</translation>
    </message>
</context>
<context>
    <name>Scorecard</name>
    <message>
        <source>Credit loans</source>
        <translation>信用贷款笔数</translation>
    </message>
    <message>
        <source>Credit loan amount</source>
        <translation>信用贷款金额</translation>
    </message>
    <message>
        <source>New first-loan customers</source>
        <translation>新增首贷户</translation>
    </message>
    <message>
        <source>New strategic clients</source>
        <translation>新增战略客户</translation>
    </message>
    <message>
        <source>Visit discipline</source>
        <translation>走访完成率</translation>
    </message>
    <message>
        <source>RM scorecard</source>
        <translation>客户经理考核</translation>
    </message>
    <message>
        <source>Pipeline figures</source>
        <translation>业务数据</translation>
    </message>
</context>
<context>
    <name>ScorecardView</name>
    <message>
        <source>Targets are set for 30 days and scale with the period; a measure earns at most its weight. No deposit, profit or fee-income measure is set for the small-micro line.</source>
        <translation>目标按每 30 天设定，随统计期长短折算；单项指标得分不超过其权重。小微企业业务条线不设存款、利润、中间业务指标。</translation>
    </message>
    <message>
        <source>Reading the scores…</source>
        <translation>正在计算得分…</translation>
    </message>
    <message>
        <source>The scores could not be read.</source>
        <translation>无法读取得分。</translation>
    </message>
    <message>
        <source>published by head office</source>
        <translation>总行发布</translation>
    </message>
    <message>
        <source>bundled with the app</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>{name} ({source}): {start} to {end}</source>
        <translation>{name}（{source}）：{start} 至 {end}</translation>
    </message>
    <message>
        <source>Weights: {weights}</source>
        <translation>权重：{weights}</translation>
    </message>
    <message>
        <source>Relationship manager</source>
        <translation>客户经理</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>{actual} of {target} · {points}</source>
        <translation>{actual} / {target} · {points} 分</translation>
    </message>
    <message>
        <source>No RM in this scope.</source>
        <translation>此范围内没有客户经理。</translation>
    </message>
</context>
<context>
    <name>ServicePlan</name>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>active</source>
        <translation>生效</translation>
    </message>
    <message>
        <source>under review</source>
        <translation>复核中</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Payment and settlement</source>
        <translation>支付结算</translation>
    </message>
    <message>
        <source>Credit</source>
        <translation>授信</translation>
    </message>
    <message>
        <source>Wealth management</source>
        <translation>财富管理</translation>
    </message>
    <message>
        <source>Supply-chain finance</source>
        <translation>供应链金融</translation>
    </message>
    <message>
        <source>Payroll agency</source>
        <translation>代发工资</translation>
    </message>
    <message>
        <source>Cash management</source>
        <translation>现金管理</translation>
    </message>
    <message>
        <source>Trade finance</source>
        <translation>贸易融资</translation>
    </message>
    <message>
        <source>Online banking</source>
        <translation>企业网银</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Service plan</source>
        <translation>服务方案</translation>
    </message>
</context>
<context>
    <name>ServicePlanPanel</name>
    <message>
        <source>Service plan</source>
        <translation>服务方案</translation>
    </message>
    <message>
        <source>Create plan…</source>
        <translation>新建方案…</translation>
    </message>
    <message>
        <source>Mark reviewed</source>
        <translation>标记已复核</translation>
    </message>
    <message>
        <source>A review was held today: the next one is set six months ahead</source>
        <translation>今天已完成复核：下次复核定在六个月后</translation>
    </message>
    <message>
        <source>A strategic client is served by a service plan (配套金融服务方案): the customer becomes strategic only with an active one.</source>
        <translation>战略客户须配有配套金融服务方案：只有方案生效，客户才能成为战略客户。</translation>
    </message>
    <message>
        <source>Provides</source>
        <translation>服务内容</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Next review</source>
        <translation>下次复核</translation>
    </message>
    <message>
        <source>Last reviewed</source>
        <translation>上次复核</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>No service plan yet.</source>
        <translation>尚无服务方案。</translation>
    </message>
    <message>
        <source>Edit plan…</source>
        <translation>修改方案…</translation>
    </message>
    <message>
        <source>(nobody yet)</source>
        <translation>（尚未指定）</translation>
    </message>
    <message>
        <source>{day} — review due</source>
        <translation>{day} — 已到复核日期</translation>
    </message>
</context>
</TS>
